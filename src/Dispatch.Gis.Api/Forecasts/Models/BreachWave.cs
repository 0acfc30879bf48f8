using System.Text.Json;
using Dispatch.Gis.GraphQL;

namespace Dispatch.Gis.Forecasts.Models;

/// <summary>
/// A distance in KILOMETRES, the unit the breach-wave formulas are fitted in. A type of its own, so a distance in metres
/// cannot reach them by accident: a number of metres passed as kilometres (40 000 for 40 km) is longer than any
/// valley and is refused, not silently turned into a 10 m wave that never arrives.
/// </summary>
internal readonly record struct Kilometres
{
    public const double Max = 1000;

    public Kilometres(double value, string argument = "distanceKilometres")
    {
        if (!double.IsFinite(value) || value < 0 || value > Max)
        {
            throw new BadUserInputException(
                $"{argument} must be 0–{Max:0} km; {value:G} km is longer than any valley a breach wave runs down (metres given as km?)",
                argument);
        }

        Value = value;
    }

    public double Value { get; }

    public static Kilometres FromMetres(double metres, string argument = "distanceMetres") =>
        new(ModelInput.InRange(metres, argument, 0, Max * 1000, "m") / 1000, argument);
}

/// <summary>
/// One row of data/forecast/breach-wave.json: the CIS civil-defence breach wave h = Ah/√(Bh + L), V = Av/√(Bv + L)
/// (Храмцов 2006, Tables 3.1–3.3), L in km, h in m, V in m/s.
/// </summary>
internal sealed record BreachWaveRow(
    double UpstreamDepthMetres,
    double RelativeBreachWidth,
    double BedSlope,
    double Ah,
    double Bh,
    double Av,
    double Bv,
    string Citation,
    bool Verified)
{
    public double HeightMetres(Kilometres distance) => Ah / Math.Sqrt(Bh + distance.Value);

    public double SpeedMetresPerSecond(Kilometres distance) => Av / Math.Sqrt(Bv + distance.Value);

    /// <summary>
    /// When the front reaches a distance: the travel time at the speed the formula gives along the way,
    /// t = ∫ dL / V = (1000/Av)·(2/3)·((Bv + L)^1.5 − Bv^1.5) s. It is earlier than L / V(L), which charges the whole
    /// distance at the slowest speed; the source's own arrival table (its Table 3.1) was not retrieved.
    /// </summary>
    public TimeSpan ArrivalAfter(Kilometres distance) =>
        TimeSpan.FromSeconds(1000 / Av * (2.0 / 3) * (Math.Pow(Bv + distance.Value, 1.5) - Math.Pow(Bv, 1.5)));

    /// <summary>How far the front has run after a time: the inverse of <see cref="ArrivalAfter"/>, up to the longest valley.</summary>
    public Kilometres ReachAfter(TimeSpan time) =>
        new(Math.Min(Kilometres.Max, Math.Pow(Math.Pow(Bv, 1.5) + (1.5 * Av * time.TotalSeconds / 1000), 2.0 / 3) - Bv));
}

internal sealed class BreachWaveTable
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    private BreachWaveTable(string version, IReadOnlyList<BreachWaveRow> rows) => (Version, Rows) = (version, rows);

    public string Version { get; }

    public IReadOnlyList<BreachWaveRow> Rows { get; }

    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "data", "forecast", "breach-wave.json");

    public static BreachWaveTable Load(string path)
    {
        using var stream = File.OpenRead(path);
        var file = JsonSerializer.Deserialize<BreachWaveFile>(stream, Options) ?? throw new InvalidOperationException($"{path} is empty");
        return new BreachWaveTable(file.Version, file.Rows);
    }

    /// <summary>
    /// The row nearest the given H0, B and i, each compared on a log scale (the table doubles H0 and halves B from row to
    /// row, and i goes by a factor of ten). Nearest, not interpolated: each row is its own fit, and blending three
    /// fits invents a curve the source never drew. A warning says which row stood in, and when the input is off the table.
    /// </summary>
    public BreachWaveRow Select(double upstreamDepthMetres, double relativeBreachWidth, double bedSlope, List<ValidityWarning> warnings)
    {
        ArgumentNullException.ThrowIfNull(warnings);
        var h0 = ModelInput.Positive(upstreamDepthMetres, "upstreamDepthMetres", 300, "m");
        var b = ModelInput.Positive(relativeBreachWidth, "relativeBreachWidth", 1, "(share of the dam's length)");
        var i = ModelInput.Positive(bedSlope, "bedSlope", 0.1, "(m per m)");
        var depth = Nearest(Rows.Select(r => r.UpstreamDepthMetres), h0);
        var width = Nearest(Rows.Select(r => r.RelativeBreachWidth), b);
        var slope = Nearest(Rows.Select(r => r.BedSlope), i);
        var row = Rows.Single(r => r.UpstreamDepthMetres == depth && r.RelativeBreachWidth == width && r.BedSlope == slope);
        if (row.UpstreamDepthMetres != h0 || row.RelativeBreachWidth != b || row.BedSlope != i)
        {
            warnings.Add(new("BREACH_ROW_NEAREST", $"H0 {h0:0.#} m, B {b:0.##}, i {i:G2} are read from the table's nearest row: "
                + $"H0 {row.UpstreamDepthMetres} m, B {row.RelativeBreachWidth}, i {row.BedSlope:G2}"));
        }

        if (h0 < 20 || h0 > 80 || b < 0.25 || i < 1e-4 || i > 1e-3)
        {
            warnings.Add(new("OUTSIDE_BREACH_TABLE",
                "H0, B or i lies outside the table (H0 20–80 m, B 0.25–1, i 1e-4–1e-3): the wave is the nearest row's, an extrapolation"));
        }

        return row;
    }

    private static double Nearest(IEnumerable<double> tabulated, double input) =>
        tabulated.Distinct().MinBy(v => Math.Abs(Math.Log(v / input)));

    private sealed record BreachWaveFile(string Version, List<BreachWaveRow> Rows);
}
