using System.Globalization;
using System.Text;

namespace Dispatch.Gis.Benchmarks;

/// <summary>The suite's table (Markdown, also printed) and its chart (SVG drawn here, no library): throughput and p99 by clients.</summary>
internal static class SuiteReport
{
    private static readonly string[] Palette = ["#1f6feb", "#d1242f", "#1a7f37", "#8250df", "#bf8700"];

    public static string Markdown(IReadOnlyList<SuiteRow> rows, string heading)
    {
        var text = new StringBuilder();
        text.AppendLine(heading).AppendLine();
        text.AppendLine("| scenario | contender | clients | req/s | p50 ms | p99 ms | CPU ms/req (server + PostgreSQL) | failures |");
        text.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in rows.OrderBy(r => ScenarioOrder(rows, r.Scenario)).ThenBy(r => r.Clients).ThenBy(r => ContenderOrder(r.Contender)))
        {
            text.AppendLine(Inv($"| {r.Scenario} | {r.Contender} | {r.Clients} | {r.Throughput:N0} | {r.P50:F2} | {r.P99:F2} | {r.CpuMsPerRequest:F3} | {r.Failures} |"));
        }

        var ratios = Ratios(rows).ToList();
        if (ratios.Count > 0)
        {
            text.AppendLine().AppendLine("| scenario | clients | ours / raw SQL | ours / PostGraphile | ours p99 / p50 |").AppendLine("| --- | ---: | ---: | ---: | ---: |");
            foreach (var line in ratios)
            {
                text.AppendLine(line);
            }
        }

        return text.ToString();
    }

    private static IEnumerable<string> Ratios(IReadOnlyList<SuiteRow> rows)
    {
        foreach (var group in rows.GroupBy(r => (r.Scenario, r.Clients)).OrderBy(g => ScenarioOrder(rows, g.Key.Scenario)).ThenBy(g => g.Key.Clients))
        {
            var ours = group.FirstOrDefault(r => r.Contender == Suite.Ours);
            if (ours is null)
            {
                continue;
            }

            var raw = group.FirstOrDefault(r => r.Contender is Suite.RawFloor or Suite.RawNpgsql);
            var peer = group.FirstOrDefault(r => r.Contender == Suite.PostGraphile);
            var vsRaw = raw is null ? "–" : (ours.Throughput / raw.Throughput).ToString("F2", CultureInfo.InvariantCulture);
            var vsPeer = peer is null ? "–" : (ours.Throughput / peer.Throughput).ToString("F2", CultureInfo.InvariantCulture);
            yield return Inv($"| {group.Key.Scenario} | {group.Key.Clients} | {vsRaw} | {vsPeer} | {ours.P99 / ours.P50:F1} |");
        }
    }

    /// <summary>One row of two panels per scenario: throughput (left) and p99 (right) against clients, a line per contender.</summary>
    public static string Svg(IReadOnlyList<SuiteRow> rows, string title)
    {
        var scenarios = rows.Select(r => r.Scenario).Distinct().ToList();
        var contenders = rows.Select(r => r.Contender).Distinct().OrderBy(ContenderOrder).ToList();
        var clients = rows.Select(r => r.Clients).Distinct().Order().ToList();
        const int panelW = 380, panelH = 170, left = 70, top = 70, gapX = 90, gapY = 70;
        var width = left + 2 * panelW + gapX + 30;
        var height = top + scenarios.Count * (panelH + gapY) + 10;
        var svg = new StringBuilder();
        svg.AppendLine(Inv($"""<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">"""));
        svg.AppendLine(Inv($"""<rect width="{width}" height="{height}" fill="white"/>"""));
        svg.AppendLine(Inv($"""<text x="{left}" y="22" font-size="15" font-weight="bold">{Escape(title)}</text>"""));
        for (var c = 0; c < contenders.Count; c++)
        {
            var x = left + c * 190;
            svg.AppendLine(Inv($"""<rect x="{x}" y="36" width="14" height="4" fill="{Palette[c % Palette.Length]}"/><text x="{x + 20}" y="42">{Escape(contenders[c])}</text>"""));
        }

        for (var s = 0; s < scenarios.Count; s++)
        {
            var y0 = top + s * (panelH + gapY);
            foreach (var (panel, metric, unit) in new[] { (0, "throughput", "req/s"), (1, "p99", "ms") })
            {
                var x0 = left + panel * (panelW + gapX);
                double Value(SuiteRow r) => metric == "throughput" ? r.Throughput : r.P99;
                var max = NiceCeiling(rows.Where(r => r.Scenario == scenarios[s]).Select(Value).Where(double.IsFinite).DefaultIfEmpty(1).Max());
                svg.AppendLine(Inv($"""<text x="{x0}" y="{y0 - 8}" font-weight="bold">{Escape(scenarios[s])} — {metric} ({unit})</text>"""));
                svg.AppendLine(Inv($"""<rect x="{x0}" y="{y0}" width="{panelW}" height="{panelH}" fill="none" stroke="#999"/>"""));
                for (var t = 0; t <= 4; t++)
                {
                    var ty = y0 + panelH - panelH * t / 4.0;
                    svg.AppendLine(Inv($"""<line x1="{x0}" y1="{ty:F1}" x2="{x0 + panelW}" y2="{ty:F1}" stroke="#eee"/><text x="{x0 - 6}" y="{ty + 4:F1}" text-anchor="end">{max * t / 4:G4}</text>"""));
                }

                double X(int clientCount) => x0 + 30 + (panelW - 60) * (clients.Count == 1 ? 0.5 : clients.IndexOf(clientCount) / (double)(clients.Count - 1));
                foreach (var n in clients)
                {
                    svg.AppendLine(Inv($"""<text x="{X(n):F1}" y="{y0 + panelH + 16}" text-anchor="middle">{n}</text>"""));
                }

                svg.AppendLine(Inv($"""<text x="{x0 + panelW / 2}" y="{y0 + panelH + 32}" text-anchor="middle" fill="#555">clients</text>"""));
                for (var c = 0; c < contenders.Count; c++)
                {
                    var points = rows.Where(r => r.Scenario == scenarios[s] && r.Contender == contenders[c] && double.IsFinite(Value(r))).OrderBy(r => r.Clients)
                        .Select(r => (X: X(r.Clients), Y: y0 + panelH - panelH * Value(r) / max)).ToList();
                    if (points.Count == 0)
                    {
                        continue;
                    }

                    var colour = Palette[c % Palette.Length];
                    svg.AppendLine(Inv($"""<polyline fill="none" stroke="{colour}" stroke-width="2" points="{string.Join(' ', points.Select(p => Inv($"{p.X:F1},{p.Y:F1}")))}"/>"""));
                    foreach (var p in points)
                    {
                        svg.AppendLine(Inv($"""<circle cx="{p.X:F1}" cy="{p.Y:F1}" r="3" fill="{colour}"/>"""));
                    }
                }
            }
        }

        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    private static int ScenarioOrder(IReadOnlyList<SuiteRow> rows, string scenario) => rows.Select(r => r.Scenario).Distinct().ToList().IndexOf(scenario);

    private static int ContenderOrder(string contender) => contender switch
    {
        Suite.RawFloor or Suite.RawNpgsql => 0,
        Suite.PostGraphile => 1,
        _ => 2,
    };

    private static double NiceCeiling(double value)
    {
        if (value <= 0)
        {
            return 1;
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        return new[] { 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10 }.Select(m => m * magnitude).First(m => m >= value);
    }

    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal);

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
