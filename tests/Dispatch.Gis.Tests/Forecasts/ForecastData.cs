using Dispatch.Gis.Forecasts.Models;
using Dispatch.Gis.Geo;
using NetTopologySuite.Geometries;

namespace Dispatch.Gis.Tests.Forecasts;

/// <summary>The data files as the service ships them (copied next to the test binaries) and a few fixed places.</summary>
internal static class ForecastData
{
    private static readonly Lazy<ChemicalReleaseModel> LazyChemical = new(() => ChemicalReleaseModel.Load(ChemicalReleaseModel.DefaultDirectory));

    public static ChemicalReleaseModel Chemical => LazyChemical.Value;

    /// <summary>A demo-like point in Almaty (the water treatment plant's chlorine store is invented; the place is the city).</summary>
    public static Point Almaty => GeoJson.Factory.CreatePoint(new Coordinate(76.95, 43.25));

    /// <summary>Far enough north that a degree of longitude is a fifth shorter than at Almaty.</summary>
    public static Point Petropavl => GeoJson.Factory.CreatePoint(new Coordinate(69.15, 54.87));

    public static TimeSpan[] Minutes(params int[] minutes) => [.. minutes.Select(m => TimeSpan.FromMinutes(m))];
}
