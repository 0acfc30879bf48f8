using Dispatch.Gis.Auth;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Storage;
using Npgsql;

namespace Dispatch.Gis.Services;

internal static class OwnService
{
    /// <summary>The service a partner officer's token names (by code or id); FORBIDDEN when it names none that exists.</summary>
    public static async Task<Guid> IdAsync(NpgsqlDataSource db, Caller caller, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT id FROM duty_services WHERE code = $1 OR id::text = $1");
        cmd.Parameters.Add(Db.Nullable(caller.ServiceId));
        return await cmd.ExecuteScalarAsync(ct) as Guid? ?? throw new ForbiddenException("the token names no known duty service");
    }
}
