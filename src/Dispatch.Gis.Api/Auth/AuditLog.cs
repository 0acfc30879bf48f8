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

    /// <summary>Appends inside the caller's transaction, so an allowed mutation and its audit row commit together.</summary>
    public static async Task AppendAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, AuditEntry entry, AuditOutcome outcome,
        string? errorCode, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(Insert, connection, tx);
        cmd.Parameters.Add(Text(entry.Subject));
        cmd.Parameters.Add(Text(entry.ActorName));
        cmd.Parameters.Add(Text(entry.Role is { } role ? DbEnum.Text(role) : null));
        cmd.Parameters.Add(Text(entry.ServiceId));
        cmd.Parameters.Add(Text(entry.Operation));
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = entry.Arguments.ToJsonString() });
        cmd.Parameters.Add(Text(DbEnum.Text(outcome)));
        cmd.Parameters.Add(Text(errorCode));
        cmd.Parameters.Add(Text(entry.TerritoryKato));
        cmd.Parameters.Add(Text(entry.ClientAddress));
        cmd.Parameters.Add(Text(entry.TraceId));
        await cmd.ExecuteNonQueryAsync(ct);
        entry.Written = true;
    }

    /// <summary>For denied and failed calls, which have no transaction of their own to ride in.</summary>
    public static async Task WriteAsync(NpgsqlDataSource db, AuditEntry entry, AuditOutcome outcome, string? errorCode, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await AppendAsync(connection, null, entry, outcome, errorCode, ct);
    }

    private static NpgsqlParameter Text(string? value) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };

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
                : Redact(JsonSerializer.SerializeToNode(Plain(argument.Value)));
        }

        var size = System.Text.Encoding.UTF8.GetByteCount(result.ToJsonString());
        return size <= MaxArgumentBytes ? result : new JsonObject { ["truncated"] = true, ["bytes"] = size };
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

    // NTS geometries and enums become GeoJSON and their GraphQL names, as the client sent them.
    private static object? Plain(object? value) => value switch
    {
        NetTopologySuite.Geometries.Geometry geometry => Geo.GeoJson.Write(geometry),
        Enum e => DbEnum.Text(e),
        IDictionary<string, object?> map => map.ToDictionary(p => p.Key, p => Plain(p.Value)),
        System.Collections.IEnumerable list and not string => list.Cast<object?>().Select(Plain).ToList(),
        _ => value,
    };
}
