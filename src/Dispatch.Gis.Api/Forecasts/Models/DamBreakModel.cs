using Dispatch.Gis.GraphQL;
using NetTopologySuite.Geometries;
using NetTopologySuite.LinearReferencing;
using NetTopologySuite.Operation.Buffer;

namespace Dispatch.Gis.Forecasts.Models;

/// <summary>
/// The breach wave down a valley and the strip it floods by each horizon. The half-width of the strip is the
/// distance at which the valley side rises by the wave height: w = h / tan α, bounded to <see cref="MinHalfWidthMetres"/>
/// … <see cref="MaxHalfWidthMetres"/> — a first-order strip for the map, not an inundation model (no DEM is used).
/// The buffering is done in metres in a transverse Mercator centred on the valley, never in degrees.
/// </summary>
internal sealed class DamBreakModel(BreachWaveTable table)
{
    public static readonly IReadOnlyList<TimeSpan> DefaultHorizons = [.. new[] { 1, 3, 6, 12 }.Select(h => TimeSpan.FromHours(h))];

    /// <summary>A design limit: past two days a breach wave has become the river's own flood, which other forecasts serve.</summary>
    public static readonly TimeSpan HorizonLimit = TimeSpan.FromHours(48);

    /// <summary>Even a low wave covers the river's channel and banks (a design floor for the map, not a hydraulic result).</summary>
    public const double MinHalfWidthMetres = 50;

    /// <summary>A valley wider than this is a plain: the wave spreads in two dimensions there and a strip no longer describes it.</summary>
    public const double MaxHalfWidthMetres = 20_000;

    /// <summary>Vertices of the valley line at most this far apart, so the half-width follows the wave as it falls.</summary>
    private const double StationSpacingMetres = 250;

    public DamBreakForecast Forecast(DamBreakInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var valley = ValleyLine(input.ValleyLine);
        var crossSlope = ModelInput.Positive(input.ValleyCrossSlope, "valleyCrossSlope", 1, "(tan of the side slope)");
        var horizons = ModelInput.Horizons(input.Horizons ?? DefaultHorizons, HorizonLimit, "a design limit of the breach-wave forecast");
        var warnings = new List<ValidityWarning>();
        var row = table.Select(input.UpstreamDepthMetres, input.RelativeBreachWidth, input.BedSlope, warnings);
        var peak = input.Breach is { } breach ? PeakOutflow.Estimate(breach) : null;
        var assumptions = new List<string>
        {
            $"flooded half-width = wave height / valley cross-slope ({crossSlope:G3}), "
                + $"kept within {MinHalfWidthMetres:0} m – {MaxHalfWidthMetres / 1000:0} km",
        };

        var projection = LocalProjection.For(valley);
        var metric = (LineString)projection.ToMetres(valley);
        var length = metric.Length;
        var indexed = new LengthIndexedLine(metric);
        var results = new List<DamBreakHorizon>();
        foreach (var after in horizons)
        {
            var reach = Math.Min(row.ReachAfter(after).Value * 1000, Kilometres.Max * 1000);
            var front = Math.Min(reach, length);
            var part = Densify((LineString)indexed.ExtractLine(0, front));
            var widths = Along(part).Select(d => Station(row, Kilometres.FromMetres(d), crossSlope).HalfWidthMetres).ToArray();
            var strip = Strip(VariableBuffer.Buffer(part, widths), projection);
            results.Add(new DamBreakHorizon(after, front, reach > length, Station(row, Kilometres.FromMetres(front), crossSlope), strip));
            if (reach > length)
            {
                warnings.Add(new("PAST_END_OF_VALLEY", $"by {after} the front would be {reach / 1000:0.#} km down, past the end of the "
                    + $"{length / 1000:0.#} km valley line: the strip stops where the line does"));
            }
        }

        // The wave is highest at the dam, so the half-width is widest there: the cap binds there first.
        if (Station(row, new Kilometres(0), crossSlope).HalfWidthMetres >= MaxHalfWidthMetres)
        {
            warnings.Add(new("HALF_WIDTH_CAPPED", "the wave over this cross-slope would spread wider than "
                + $"{MaxHalfWidthMetres / 1000:0} km a side; the strip is capped there and the flooding on a plain needs a DEM"));
        }

        return new DamBreakForecast(row, length, peak, results, assumptions, warnings, table.Version) { CrossSlope = crossSlope };
    }

    internal static WaveStation Station(BreachWaveRow row, Kilometres distance, double crossSlope)
    {
        var height = row.HeightMetres(distance);
        var halfWidth = Math.Clamp(height / crossSlope, MinHalfWidthMetres, MaxHalfWidthMetres);
        return new WaveStation(distance.Value * 1000, height, row.SpeedMetresPerSecond(distance), row.ArrivalAfter(distance), halfWidth);
    }

    private static LineString ValleyLine(LineString? line)
    {
        if (line is null || line.IsEmpty || line.Coordinates.Select(c => (c.X, c.Y)).Distinct().Count() < 2)
        {
            throw new BadUserInputException("valleyLine needs at least two distinct points, from the dam downstream", "valleyLine");
        }

        foreach (var c in line.Coordinates)
        {
            ModelInput.Location(Dispatch.Gis.Geo.GeoJson.Factory.CreatePoint(c), "valleyLine");
        }

        return line;
    }

    private static LineString Densify(LineString line) =>
        (LineString)NetTopologySuite.Densify.Densifier.Densify(line, StationSpacingMetres);

    /// <summary>Distance along the line at each vertex, metres.</summary>
    private static double[] Along(LineString line)
    {
        var along = new double[line.NumPoints];
        for (var k = 1; k < along.Length; k++)
        {
            along[k] = along[k - 1] + line.GetCoordinateN(k - 1).Distance(line.GetCoordinateN(k));
        }

        return along;
    }

    private static Polygon Strip(Geometry buffer, LocalProjection projection)
    {
        var single = buffer as Polygon ?? (buffer.Union() as Polygon)
            ?? throw new InvalidOperationException($"the valley strip came out as a {buffer.GeometryType}");
        return Geodesy.Rfc7946((Polygon)projection.ToWgs84(single));
    }
}
