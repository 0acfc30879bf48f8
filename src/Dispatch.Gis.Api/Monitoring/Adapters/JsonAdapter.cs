using System.Text.Json;

namespace Dispatch.Gis.Monitoring.Adapters;

/// <summary>
/// An array of records (at the mapping's <c>records</c> pointer, the document itself by default), each field read
/// with a JSON pointer (RFC 6901) relative to its record. A record without a readable field is quarantined with the
/// pointer of what is wrong; a document that is not JSON, or holds no array there, fails the run.
/// </summary>
internal static class JsonAdapter
{
    public static ParsedPayload Parse(string text, FeedMapping mapping)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text.TrimStart('\uFEFF'), new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            throw new FeedPayloadException($"the payload is not JSON: {ex.Message}");
        }

        using (document)
        {
            var recordsPointer = mapping.Records ?? "";
            if (!JsonPointer.TryResolve(document.RootElement, recordsPointer, out var records) || records.ValueKind != JsonValueKind.Array)
            {
                throw new FeedPayloadException($"the JSON payload has no array at \"{recordsPointer}\"");
            }

            var payload = new ParsedPayload();
            var offset = mapping.Offset;
            var index = 0;
            foreach (var record in records.EnumerateArray())
            {
                var at = $"{recordsPointer}/{index++}";
                payload.Received++;
                var reason = Read(record, mapping, offset, at, out var observation, out var pointer);
                if (reason is not null)
                {
                    payload.Rejections.Add(new Rejection(null, pointer, reason, FeedAdapters.Excerpt(record.GetRawText())));
                    continue;
                }

                payload.Observations.Add(observation!);
            }

            return payload;
        }
    }

    private static string? Read(JsonElement record, FeedMapping mapping, TimeSpan offset, string at, out RawObservation? observation, out string pointer)
    {
        observation = null;
        pointer = at;
        if (record.ValueKind != JsonValueKind.Object)
        {
            return $"a record must be a JSON object, not {record.ValueKind.ToString().ToLowerInvariant()}";
        }

        string? Text(string? field, string fallback, out string where)
        {
            var path = field ?? fallback;
            where = at + path;
            return JsonPointer.TryResolve(record, path, out var value) ? value.ValueKind switch
            {
                JsonValueKind.String => FeedAdapters.Clean(value.GetString()),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            } : null;
        }

        if (Text(mapping.Station, "/station", out pointer) is not { Length: > 0 } station)
        {
            return "no station code";
        }

        if (Text(mapping.Time, "/time", out pointer) is not { } time || !FeedAdapters.TryParseTime(time, offset, out var observedAt))
        {
            return "no date and time";
        }

        if (Text(mapping.Value, "/value", out pointer) is not { } valueText || !FeedAdapters.TryParseNumber(valueText, false, out var value))
        {
            return "no numeric value";
        }

        var parameter = mapping.FixedParameter ?? Text(mapping.Parameter, "/parameter", out pointer);
        if (parameter is not { Length: > 0 })
        {
            return "no parameter";
        }

        var unit = mapping.FixedUnit ?? Text(mapping.Unit, "/unit", out pointer);
        if (unit is not { Length: > 0 })
        {
            return "no unit";
        }

        pointer = at;
        observation = new RawObservation(null, at, null, station.Trim(), parameter.Trim(), observedAt, value, unit.Trim());
        return null;
    }
}

/// <summary>RFC 6901 JSON pointers: "" is the whole document, "/a/0/b" walks members and array indexes, ~1 is "/" and ~0 is "~".</summary>
internal static class JsonPointer
{
    public static bool IsValid(string pointer) => pointer.Length == 0 || pointer[0] == '/';

    public static bool TryResolve(JsonElement root, string pointer, out JsonElement found)
    {
        found = root;
        if (pointer.Length == 0)
        {
            return true;
        }

        if (pointer[0] != '/')
        {
            return false;
        }

        foreach (var token in pointer[1..].Split('/'))
        {
            var name = token.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (found.ValueKind == JsonValueKind.Object && found.TryGetProperty(name, out var member))
            {
                found = member;
            }
            else if (found.ValueKind == JsonValueKind.Array && int.TryParse(name, System.Globalization.NumberStyles.None,
                         System.Globalization.CultureInfo.InvariantCulture, out var i) && i < found.GetArrayLength())
            {
                found = found[i];
            }
            else
            {
                return false;
            }
        }

        return true;
    }
}
