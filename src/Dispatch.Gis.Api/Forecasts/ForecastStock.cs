using System.Text.Json;
using Dispatch.Gis.Forecasts.Models;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Storage;
using Npgsql;

namespace Dispatch.Gis.Forecasts;

/// <summary>
/// The released mass when the officer gives none for a release at an object: the object's declared stock of the
/// substance (its largest entry, substances[].quantityTonnes, matched by name or UN number as the model names
/// substances) — the whole store released, as the method plans for. Read again at every computation.
/// </summary>
internal static class ForecastStock
{
    private const string Substances = "SELECT substances::text FROM dangerous_objects WHERE id = $1";

    /// <summary>Kilograms of <paramref name="substanceId"/> the object holds; null when it declares none (or the object is gone).</summary>
    public static async Task<double?> KilogramsAsync(NpgsqlDataSource db, SubstanceCatalog catalog, Guid objectId, string substanceId, CancellationToken ct)
    {
        var rows = await Db.ReadAllAsync(db, Substances, r => r.GetString(0), ct, new NpgsqlParameter { Value = objectId });
        if (rows is not [var json])
        {
            return null;
        }

        double? tonnes = null;
        foreach (var entry in JsonDocument.Parse(json).RootElement.EnumerateArray())
        {
            if (Holds(catalog, entry, "name", substanceId) || Holds(catalog, entry, "unNumber", substanceId))
            {
                if (entry.TryGetProperty("quantityTonnes", out var q) && q.ValueKind == JsonValueKind.Number && q.GetDouble() > 0)
                {
                    tonnes = Math.Max(tonnes ?? 0, q.GetDouble());
                }
            }
        }

        return tonnes * 1000;
    }

    private static bool Holds(SubstanceCatalog catalog, JsonElement entry, string field, string substanceId)
    {
        if (!entry.TryGetProperty(field, out var value) || value.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        try
        {
            return catalog.Find(value.GetString()).Id == substanceId;
        }
        catch (BadUserInputException)
        {
            return false;
        }
    }
}
