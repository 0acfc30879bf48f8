using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using NetTopologySuite.Geometries;

namespace Dispatch.Gis.Territories;

internal enum TerritoryLevel
{
    Region,
    District,
}

internal enum TerritoryKind
{
    Oblast,
    CityOfRepublicanSignificance,
    District,
}

internal sealed record Territory(
    string Kato,
    TerritoryLevel Level,
    TerritoryKind Kind,
    string? ParentKato,
    string NameKk,
    string NameRu,
    string NameEn,
    string? Iso3166,
    string Pcode,
    double AreaKm2,
    AdminCentre? AdminCentre,
    PopulationTotal? PopulationTotal) : Auth.ITerritorial
{
    string? Auth.ITerritorial.TerritoryKato => Kato;
}

/// <summary>A district's resident population as a statistics office published it: the figure, the year it is for, who published it.</summary>
internal sealed record PopulationTotal(long Total, int Year, string Source);

internal sealed record AdminCentre(string NameKk, string NameRu, string NameEn, Point Point);

internal sealed record TerritoryFilter(
    Auth.TerritoryScope Scope,
    TerritoryLevel? Level,
    string? ParentKato,
    BoundingBox? BBox,
    Geometry? Intersects,
    Point? ContainsPoint,
    Paging Paging);
