using Dispatch.Gis.Auth;
using Dispatch.Gis.GraphQL;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Dispatch.Gis.Alerts;

/// <summary>
/// Reads what an alert subscription points at — territories, zones, an area — and refuses what cannot be matched, before
/// anything is subscribed or stored: a subscription to a typo would otherwise deliver nothing, forever, and say nothing.
/// </summary>
internal static class AlertTargets
{
    /// <summary>BAD_USER_INPUT unless a KATO code of a known territory; FORBIDDEN outside the caller's territories.</summary>
    public static async Task<List<string>> TerritoriesAsync(NpgsqlDataSource db, Caller caller, IReadOnlyList<string> katos, string argument, CancellationToken ct)
    {
        for (var i = 0; i < katos.Count; i++)
        {
            if (katos[i].Length != 9 || !katos[i].All(char.IsAsciiDigit))
            {
                throw new BadUserInputException($"{argument} must be a 9-digit KATO code, not \"{Shorten(katos[i])}\"", argument);
            }
        }

        var known = await Territories.TerritoryDb.ByKatoAsync(db, katos.Distinct(), ct);
        foreach (var kato in katos)
        {
            if (!known.ContainsKey(kato))
            {
                throw new BadUserInputException($"no territory has KATO code {kato}", argument);
            }

            caller.RequireTerritory(kato, argument);
        }

        return [.. katos.Distinct()];
    }

    /// <summary>
    /// The zones' current shapes, unioned; a zone the caller may not see is answered as one that does not exist, naming
    /// <paramref name="argument"/>, or argument[i] for a list (<paramref name="indexed"/>).
    /// </summary>
    public static async Task<Geometry> ZonesAreaAsync(NpgsqlDataSource db, Caller caller, IReadOnlyList<Guid> zones, string argument, bool indexed,
        CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT id, territory_kato, geom FROM emergency_zones WHERE id = ANY($1)");
        cmd.Parameters.Add(new NpgsqlParameter { Value = zones.ToArray() });
        var shapes = new Dictionary<Guid, Geometry>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                if (caller.Scope.Covers(reader.IsDBNull(1) ? null : reader.GetString(1)))
                {
                    shapes[reader.GetGuid(0)] = reader.GetFieldValue<Geometry>(2);
                }
            }
        }

        for (var i = 0; i < zones.Count; i++)
        {
            if (!shapes.ContainsKey(zones[i]))
            {
                throw new NotFoundException($"no such zone {zones[i]}", indexed ? $"{argument}[{i}]" : argument);
            }
        }

        return shapes.Count == 1 ? shapes.Values.Single() : NetTopologySuite.Operation.Union.UnaryUnionOp.Union(shapes.Values.ToList());
    }

    /// <summary>Territories (regions and districts) whose geometry meets the area, found on their GiST index.</summary>
    public static async Task<HashSet<string>> TerritoriesMeetingAsync(NpgsqlDataSource db, Geometry area, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT kato FROM territories WHERE ST_Intersects(geom, $1)");
        cmd.Parameters.Add(new NpgsqlParameter { Value = area });
        var katos = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            katos.Add(reader.GetString(0));
        }

        return katos;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
