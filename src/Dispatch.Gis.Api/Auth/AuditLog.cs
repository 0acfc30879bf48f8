using System.Text.Json;
using System.Text.Json.Nodes;
using Dispatch.Gis.GraphQL;
using GraphQL.Execution;
using Dispatch.Gis.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Dispatch.Gis.Auth;

internal enum AuditOutcome
{
    Allowed,
    Denied,
    Failed,
}

/// <summary>One mutation call as the audit log records it.</summary>
internal sealed record AuditEntry(
    string? Subject,
    string? ActorName,
    Role? Role,
    string? ServiceId,
    string Operation,
    JsonObject Arguments,
    string? ClientAddress,
    string TraceId)
{
    /// <summary>The targeted territory, set by the resolver once it knows it.</summary>
    public string? TerritoryKato { get; set; }

    public bool Written { get; set; }
}

internal static class AuditLog
{
    private const int MaxArgumentBytes = 16 * 1024;
    private const int MaxListItems = 100;
    private static readonly string[] SecretWords = ["password", "secret", "token", "authorization", "apikey", "api_key"];

    private const string Insert = """
        INSERT INTO audit_log (subject, actor_name, role, service_id, operation, arguments, outcome, error_code,
                               territory_kato, client_address, trace_id)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
        """;

    public static AuditEntry Start(RequestContext request, string operation, IDictionary<string, ArgumentValue>? arguments)
    {
        var caller = request.Caller;
        return new AuditEntry(caller.Subject, caller.IsAuthenticated ? caller.Name : null, caller.Role, caller.ServiceId,
            operation, Sanitise(arguments), request.ClientAddress, request.TraceId);
    }

    /// <summary>The audit row as a batch command: a unit of work commits it with the change (<see cref="UnitOfWork.CommitAsync"/>).</summary>
    public static NpgsqlBatchCommand InsertCommand(AuditEntry entry, AuditOutcome outcome, string? errorCode)
    {
        var cmd = new NpgsqlBatchCommand(Insert);
        var arguments = SafeStrings(entry.Arguments.DeepClone())!.ToJsonString();
        cmd.Parameters.Add(Text(entry.Subject));
        cmd.Parameters.Add(Text(entry.ActorName));
        cmd.Parameters.Add(Text(entry.Role is { } role ? DbEnum.Text(role) : null));
        cmd.Parameters.Add(Text(entry.ServiceId));
        cmd.Parameters.Add(Text(entry.Operation));
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = arguments });
        cmd.Parameters.Add(Text(DbEnum.Text(outcome)));
        cmd.Parameters.Add(Text(errorCode));
        cmd.Parameters.Add(Text(entry.TerritoryKato));
        cmd.Parameters.Add(Text(entry.ClientAddress));
        cmd.Parameters.Add(Text(entry.TraceId));
        return cmd;
    }

    /// <summary>For denied and failed calls, and for allowed ones that changed nothing: a row of its own.</summary>
    public static async Task WriteAsync(NpgsqlDataSource db, AuditEntry entry, AuditOutcome outcome, string? errorCode, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection) { BatchCommands = { InsertCommand(entry, outcome, errorCode) } };
        await batch.ExecuteNonQueryAsync(ct);
        entry.Written = true;
    }

    private static NpgsqlParameter Text(string? value) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)SafeText(value) ?? DBNull.Value };

    /// <summary>
    /// Any text, storable: PostgreSQL text and jsonb cannot hold U+0000, and a lone surrogate is not valid UTF-8. The
    /// audit row must be written whatever the caller sent, so these are replaced by visible stand-ins (U+2400 SYMBOL
    /// FOR NULL, U+FFFD), never dropped.
    /// </summary>
    internal static string? SafeText(string? value)
    {
        if (value is null || !ControlCharacters.IsBad(value))
        {
            return value;
        }

        var safe = new System.Text.StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                safe.Append(c).Append(value[++i]);
            }
            else
            {
                safe.Append(c == '\0' ? '\u2400' : char.IsSurrogate(c) ? '\uFFFD' : c);
            }
        }

        return safe.ToString();
    }

    private static JsonNode? SafeStrings(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (var (key, value) in obj.ToList())
                {
                    obj.Remove(key);
                    copy[SafeText(key)!] = SafeStrings(value);
                }

                return copy;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var item = array[i];
                    array[i] = null;
                    array[i] = SafeStrings(item);
                }

                return array;
            case JsonValue value when value.TryGetValue<string>(out var text):
                return JsonValue.Create(SafeText(text));
            default:
                return node;
        }
    }

    /// <summary>Arguments as given, minus anything that looks like a secret, capped in size.</summary>
    internal static JsonObject Sanitise(IDictionary<string, ArgumentValue>? arguments)
    {
        var result = new JsonObject();
        if (arguments is null)
        {
            return result;
        }

        foreach (var (name, argument) in arguments)
        {
            // Bulk lists (AVL batches of 10,000 fixes) are recorded by size: serialising them would cost more than the call.
            result[name] = IsSecret(name) ? "[removed]"
                : argument.Value is System.Collections.ICollection { Count: > MaxListItems } list ? new JsonObject { ["items"] = list.Count }
                : Redact(Serialise(argument.Value));
        }

        var size = System.Text.Encoding.UTF8.GetByteCount(result.ToJsonString());
        return size <= MaxArgumentBytes ? result : new JsonObject { ["truncated"] = true, ["bytes"] = size };
    }

    // Typed inputs are written as the client sent them: camelCase fields, GeoJSON geometries, CONSTANT_CASE enums.
    private static readonly JsonSerializerOptions ArgumentJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new NetTopologySuite.IO.Converters.GeoJsonConverterFactory(Geo.GeoJson.Factory), new ConstantCaseEnums() },
    };

    private static JsonNode? Serialise(object? value)
    {
        try
        {
            return JsonSerializer.SerializeToNode(value, ArgumentJson);
        }
        catch (Exception ex) when (ex is NotSupportedException or ArgumentException or InvalidOperationException or JsonException)
        {
            // The audit row must be written whatever a caller sent; the call itself decides whether the value is acceptable.
            return new JsonObject { ["unrecordable"] = ex.GetType().Name };
        }
    }

    private static bool IsSecret(string name) => SecretWords.Any(w => name.Contains(w, StringComparison.OrdinalIgnoreCase));

    private static JsonNode? Redact(JsonNode? node)
    {
        if (node is JsonObject obj)
        {
            foreach (var key in obj.Select(p => p.Key).ToList())
            {
                obj[key] = IsSecret(key) ? "[removed]" : Redact(obj[key]?.DeepClone());
            }
        }
        else if (node is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
            {
                array[i] = Redact(array[i]?.DeepClone());
            }
        }

        return node;
    }

    private sealed class ConstantCaseEnums : System.Text.Json.Serialization.JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

        public override System.Text.Json.Serialization.JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (System.Text.Json.Serialization.JsonConverter)Activator.CreateInstance(typeof(EnumText<>).MakeGenericType(typeToConvert))!;

        private sealed class EnumText<T> : System.Text.Json.Serialization.JsonConverter<T> where T : struct, Enum
        {
            public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => DbEnum.Parse<T>(reader.GetString()!);

            public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(DbEnum.Text(value));
        }
    }
}
