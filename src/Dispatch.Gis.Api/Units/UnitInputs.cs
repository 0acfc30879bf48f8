using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using GraphQL.Types;
using NetTopologySuite.Geometries;

namespace Dispatch.Gis.Units;

internal sealed record VehicleInput(string Type, int Count);

internal sealed record CreateUnitInput(string Service, string CallSign, UnitProfile Profile, int Personnel, IReadOnlyList<VehicleInput>? Vehicles,
    string? BaseName, Geometry Base, int? Crs);

internal sealed record PositionInput(string Unit, Geometry Point, DateTime At, double? SpeedKmh, double? HeadingDeg);

internal sealed class VehicleInputGraphType : InputObjectGraphType<VehicleInput>
{
    public VehicleInputGraphType()
    {
        Name = "VehicleInput";
        Field<NonNullGraphType<StringGraphType>>("type");
        Field<NonNullGraphType<IntGraphType>>("count");
    }
}

internal sealed class CreateUnitInputGraphType : InputObjectGraphType<CreateUnitInput>
{
    public CreateUnitInputGraphType()
    {
        Name = "CreateUnitInput";
        Field<NonNullGraphType<IdGraphType>>("service");
        Field<NonNullGraphType<StringGraphType>>("callSign");
        Field<NonNullGraphType<UnitProfileGraphType>>("profile");
        Field<NonNullGraphType<IntGraphType>>("personnel");
        Field<ListGraphType<NonNullGraphType<VehicleInputGraphType>>>("vehicles");
        Field<StringGraphType>("baseName");
        Field<NonNullGraphType<GeometryGraphType>>("base").Description("Point of the unit's base.");
        Field<IntGraphType>("crs").Description("EPSG code of base (default 4326).");
    }
}

internal sealed class PositionInputGraphType : InputObjectGraphType<PositionInput>
{
    public PositionInputGraphType()
    {
        Name = "PositionInput";
        Field<NonNullGraphType<IdGraphType>>("unit");
        Field<NonNullGraphType<GeometryGraphType>>("point");
        Field<NonNullGraphType<DateTimeGraphType>>("at").Description("When the fix was taken (UTC unless an offset is given).");
        Field<FloatGraphType>("speedKmh");
        Field<FloatGraphType>("headingDeg");
    }
}

/// <summary>People and vehicles by type, as a unit, a readiness report or a deployment report gives them.</summary>
internal sealed record UnitComposition(int Personnel, IReadOnlyList<VehicleCount> Vehicles)
{
    public const int MaxPersonnel = 10_000;
    public const int MaxVehiclesOfAType = 1000;

    /// <summary>Checks a reported composition; <paramref name="prefix"/> is the input it came in ("" at the top level).</summary>
    public static UnitComposition Read(int personnel, IReadOnlyList<VehicleInput>? vehicles, string prefix)
    {
        var at = prefix.Length == 0 ? "" : prefix + ".";
        if (personnel is < 0 or > MaxPersonnel)
        {
            throw new BadUserInputException($"personnel must be 0 to {MaxPersonnel}", at + "personnel");
        }

        var list = (vehicles ?? []).Select(v => new VehicleCount(v.Type.Trim(), v.Count)).ToList();
        var bad = list.FindIndex(v => v.Type.Length is 0 or > TextLimits.ShortText || v.Count is < 1 or > MaxVehiclesOfAType);
        if (bad >= 0)
        {
            throw new BadUserInputException($"each vehicle needs a type (1 to 200 characters) and a count of 1 to {MaxVehiclesOfAType}", $"{at}vehicles[{bad}]");
        }

        return new UnitComposition(personnel, list);
    }
}
