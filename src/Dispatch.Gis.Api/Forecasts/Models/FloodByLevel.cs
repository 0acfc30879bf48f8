using Dispatch.Gis.GraphQL;
using NetTopologySuite.Geometries;

namespace Dispatch.Gis.Forecasts.Models;

/// <summary>
/// An inundation polygon precomputed for a hydro post at one water level (e.g. from a DEM by height above nearest
/// drainage, FEEDS-AND-MODELS §3). Levels are metres above the post's zero; Kazhydromet reports centimetres.
/// </summary>
internal sealed record InundationLevel(double LevelMetres, Geometry Zone);

internal static class FloodByLevel
{
    /// <summary>
    /// The zone for an observed or forecast level: the one precomputed for the highest level not above it, so the map
    /// never shows more water than was modelled for a level actually reached. Null below the lowest level (no zone
    /// was modelled there: the river is in its banks as far as the post's table knows).
    /// </summary>
    public static InundationLevel? Select(IReadOnlyList<InundationLevel> levels, double levelMetres)
    {
        ArgumentNullException.ThrowIfNull(levels);
        ModelInput.InRange(levelMetres, "levelMetres", -1000, 10_000, "m above the post's zero");
        var ordered = levels.OrderBy(l => l.LevelMetres).ToList();
        for (var i = 0; i < ordered.Count; i++)
        {
            if (!double.IsFinite(ordered[i].LevelMetres) || ordered[i].Zone is null || ordered[i].Zone.IsEmpty)
            {
                throw new BadUserInputException("every inundation level needs a finite level and a non-empty zone", "inundationLevels");
            }

            if (i > 0 && ordered[i].LevelMetres == ordered[i - 1].LevelMetres)
            {
                throw new BadUserInputException(
                    $"two inundation zones are given for the level {ordered[i].LevelMetres:G} m", "inundationLevels");
            }
        }

        return ordered.LastOrDefault(l => l.LevelMetres <= levelMetres);
    }
}
