using Dispatch.Gis.Geo;
using GraphQL.Types;
using NetTopologySuite.Geometries;

namespace Dispatch.Gis.Zones;

internal sealed record CreateZoneInput(ZoneKind Kind, string Name, Hazard Hazard, Geometry Geometry, int? Crs, string? Incident, string? Note);

internal sealed class CreateZoneInputGraphType : InputObjectGraphType<CreateZoneInput>
{
    public CreateZoneInputGraphType()
    {
        Name = "CreateZoneInput";
        Field<NonNullGraphType<ZoneKindGraphType>>("kind");
        Field<NonNullGraphType<StringGraphType>>("name");
        Field<NonNullGraphType<HazardGraphType>>("hazard");
        Field<NonNullGraphType<GeometryGraphType>>("geometry").Description("Polygon or MultiPolygon.");
        Field<IntGraphType>("crs").Description("EPSG code of geometry (default 4326).");
        Field<IdGraphType>("incident");
        Field<StringGraphType>("note");
    }
}
