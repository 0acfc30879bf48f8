using System.Text;

namespace Dispatch.Gis.Monitoring.Adapters;

/// <summary>
/// Header-mapped CSV (RFC 4180: quoted fields, doubled quotes, line breaks inside quotes): one reading per row, its
/// station code, time, parameter, value and unit in the columns the mapping names (or a fixed parameter and unit
/// for a feed of one quantity). A row that cannot be read is quarantined with its line; a payload whose header
/// lacks a mapped column is not this feed's CSV at all, and fails.
/// </summary>
internal static class CsvAdapter
{
    public static ParsedPayload Parse(string text, FeedMapping mapping)
    {
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw new FeedPayloadException("the payload is binary, not CSV text");
        }

        var delimiter = mapping.Delimiter is { Length: > 0 } d ? (d == "\\t" ? '\t' : d[0]) : ',';
        var records = Records(text.TrimStart('\uFEFF'), delimiter).GetEnumerator();
        if (!records.MoveNext())
        {
            throw new FeedPayloadException("the CSV payload is empty: no header row");
        }

        var header = records.Current.Fields.Select(f => f.Trim()).ToList();
        int Column(string? name, string fallback, bool required)
        {
            var wanted = name ?? fallback;
            var index = header.FindIndex(h => string.Equals(h, wanted, StringComparison.OrdinalIgnoreCase));
            if (index < 0 && required)
            {
                throw new FeedPayloadException($"the CSV header ({Shorten(string.Join(delimiter, header))}) has no column \"{wanted}\"");
            }

            return index;
        }

        var station = Column(mapping.Station, "station", true);
        var time = Column(mapping.Time, "time", true);
        var value = Column(mapping.Value, "value", true);
        var parameter = mapping.FixedParameter is null ? Column(mapping.Parameter, "parameter", true) : -1;
        var unit = mapping.FixedUnit is null ? Column(mapping.Unit, "unit", true) : -1;
        var payload = new ParsedPayload();
        var offset = mapping.Offset;
        while (records.MoveNext())
        {
            var (line, fields, raw) = records.Current;
            if (fields.Count == 1 && fields[0].Trim().Length == 0)
            {
                continue;
            }

            payload.Received++;
            string? Field(int i) => i >= 0 && i < fields.Count ? fields[i].Trim() : null;
            var at = default(DateTime);
            var number = 0.0;
            var (stationCode, timeText, valueText) = (Field(station), Field(time), Field(value));
            var parameterCode = mapping.FixedParameter ?? Field(parameter);
            var unitText = mapping.FixedUnit ?? Field(unit);
            var reason = fields.Count != header.Count ? $"expected {header.Count} fields as in the header, got {fields.Count}"
                : stationCode is not { Length: > 0 } ? "no station code"
                : !FeedAdapters.TryParseTime(timeText!, offset, out at) ? $"time \"{timeText}\" is not a date and time"
                : !FeedAdapters.TryParseNumber(valueText!, delimiter != ',', out number) ? $"value \"{valueText}\" is not a number"
                : parameterCode is not { Length: > 0 } ? "no parameter"
                : unitText is not { Length: > 0 } ? "no unit"
                : null;
            if (reason is not null)
            {
                payload.Rejections.Add(new Rejection(line, null, reason, FeedAdapters.Excerpt(raw)));
                continue;
            }

            payload.Observations.Add(new RawObservation(line, null, raw, stationCode!, parameterCode!, at, number, unitText!));
        }

        return payload;
    }

    private static string Shorten(string text) => text.Length <= 120 ? text : text[..120] + "…";

    /// <summary>Records with the line each starts on (1 = the header) and their raw text.</summary>
    internal static IEnumerable<(int Line, List<string> Fields, string Raw)> Records(string text, char delimiter)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var start = 1;
        var recordStart = 0;
        var quoted = false;
        var i = 0;
        while (i <= text.Length)
        {
            var end = i == text.Length;
            var c = end ? '\n' : text[i];
            if (quoted && !end)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i += 2;
                        continue;
                    }

                    quoted = false;
                }
                else
                {
                    if (c == '\n')
                    {
                        line++;
                    }

                    field.Append(c);
                }

                i++;
                continue;
            }

            if (c == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else if (c == delimiter)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c is '\n' or '\r')
            {
                fields.Add(field.ToString());
                field.Clear();
                var raw = text[recordStart..Math.Min(i, text.Length)];
                if (!(end && fields.Count == 1 && fields[0].Length == 0 && raw.Length == 0))
                {
                    yield return (start, fields, raw);
                }

                fields = [];
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                line++;
                start = line;
                recordStart = i + 1;
            }
            else
            {
                field.Append(c);
            }

            i++;
        }
    }
}
