using Dispatch.Gis.Auth;
using Dispatch.Gis.GraphQL;
using Npgsql;

namespace Dispatch.Gis.Alerts;

/// <summary>A subscription is its owner's: a partner reaches only its own service's; 112 every one in its territories.</summary>
internal static class AlertAccess
{
    public static bool MayRead(Caller caller, AlertSubscription s, Guid? callerService) =>
        caller.Scope.Covers(s.TerritoryKato) && (caller.Role is Role.DutyOfficer112 or Role.Admin || callerService == s.OwnerServiceId);

    public static void Require(Caller caller, AlertSubscription s, Guid? callerService, string argument)
    {
        caller.RequireTerritory(s.TerritoryKato, argument);
        if (caller.Role is not Role.DutyOfficer112 && callerService != s.OwnerServiceId)
        {
            // As when reading: another service's subscription does not exist for this caller, not even as a refusal.
            throw new NotFoundException("no such alert subscription", argument);
        }
    }

    /// <summary>The id of the token's duty service (tokens name it by code).</summary>
    public static async Task<Guid?> ServiceIdAsync(NpgsqlConnection connection, Caller caller, CancellationToken ct)
    {
        if (caller.ServiceId is not { } code)
        {
            return null;
        }

        await using var cmd = new NpgsqlCommand("SELECT id FROM duty_services WHERE code = $1", connection);
        cmd.Parameters.Add(new NpgsqlParameter { Value = code });
        return await cmd.ExecuteScalarAsync(ct) as Guid?;
    }

    public static async Task<Guid?> ServiceIdAsync(NpgsqlDataSource db, Caller caller, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await ServiceIdAsync(connection, caller, ct);
    }
}
