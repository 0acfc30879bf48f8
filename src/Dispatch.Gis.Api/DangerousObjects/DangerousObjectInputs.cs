using Dispatch.Gis.Geo;
using GraphQL.Types;
using NetTopologySuite.Geometries;

namespace Dispatch.Gis.DangerousObjects;

internal sealed record SubstanceInput(string Name, string? UnNumber, string? CasNumber, double QuantityTonnes, string? State);

internal sealed record ContactInput(string Name, string? Role, string Phone);

internal sealed record DangerousObjectInput(string? Id, string? ExternalRef, string Name, HazardClass HazardClass, string ObjectKind, string? Operator,
    Geometry Geometry, int? Crs, IReadOnlyList<SubstanceInput>? Substances, IReadOnlyList<ContactInput>? Contacts);

internal sealed class SubstanceInputGraphType : InputObjectGraphType<SubstanceInput>
{
    public SubstanceInputGraphType()
    {
        Name = "SubstanceInput";
        Field<NonNullGraphType<StringGraphType>>("name");
        Field<StringGraphType>("unNumber").Description("UN number, 4 digits (e.g. 1017 chlorine).");
        Field<StringGraphType>("casNumber");
        Field<NonNullGraphType<FloatGraphType>>("quantityTonnes").Description("Largest quantity held, tonnes.");
        Field<StringGraphType>("state").Description("e.g. LIQUEFIED_GAS, LIQUID, SOLID, GAS.");
    }
}

internal sealed class ContactInputGraphType : InputObjectGraphType<ContactInput>
{
    public ContactInputGraphType()
    {
        Name = "ContactInput";
        Field<NonNullGraphType<StringGraphType>>("name");
        Field<StringGraphType>("role");
        Field<NonNullGraphType<StringGraphType>>("phone");
    }
}

internal sealed class DangerousObjectInputGraphType : InputObjectGraphType<DangerousObjectInput>
{
    public DangerousObjectInputGraphType()
    {
        Name = "DangerousObjectInput";
        Field<IdGraphType>("id").Description("Set to update that object; absent to create one.");
        Field<StringGraphType>("externalRef");
        Field<NonNullGraphType<StringGraphType>>("name");
        Field<NonNullGraphType<HazardClassGraphType>>("hazardClass");
        Field<NonNullGraphType<StringGraphType>>("objectKind").Description("e.g. chlorine store, ammonia refrigeration plant, dam.");
        Field<StringGraphType>("operator");
        Field<NonNullGraphType<GeometryGraphType>>("geometry");
        Field<IntGraphType>("crs").Description("EPSG code of geometry (default 4326).");
        Field<ListGraphType<NonNullGraphType<SubstanceInputGraphType>>>("substances");
        Field<ListGraphType<NonNullGraphType<ContactInputGraphType>>>("contacts");
    }
}
