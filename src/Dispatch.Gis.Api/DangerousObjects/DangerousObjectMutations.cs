using System.Globalization;
using System.Text.Json;
using Dispatch.Gis.Auth;
using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Storage;
using GraphQL;
using GraphQL.Types;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Dispatch.Gis.DangerousObjects;

internal sealed class SubstanceInputGraphType : InputObjectGraphType
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

internal sealed class ContactInputGraphType : InputObjectGraphType
{
    public ContactInputGraphType()
    {
        Name = "ContactInput";
        Field<NonNullGraphType<StringGraphType>>("name");
        Field<StringGraphType>("role");
        Field<NonNullGraphType<StringGraphType>>("phone");
    }
}

internal sealed class DangerousObjectInputGraphType : InputObjectGraphType
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

internal static class DangerousObjectMutations
{
    private static readonly JsonSerializerOptions Camel = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static void AddTo(ObjectGraphType root, NpgsqlDataSource db, DangerousObjectLoaders loaders, SpatialArguments spatial)
    {
        root.Field<NonNullGraphType<DangerousObjectGraphType>>("upsertDangerousObject")
            .Argument<NonNullGraphType<DangerousObjectInputGraphType>>("input")
            .AllowRoles(Role.Admin, Role.DutyOfficer112)
            .ResolveAsync(async ctx =>
            {
                var input = ctx.GetArgument<Dictionary<string, object?>>("input");
                var geometry = await spatial.GeometryAsync((Geometry)input["geometry"]!, input.GetValueOrDefault("crs") as int? ?? GeoJson.Wgs84, "input.geometry", ctx.CancellationToken);
                var parsed = Read(input, geometry);
                if (parsed.Id is { } existingId)
                {
                    var existing = await loaders.ObjectById(ctx, existingId).GetResultAsync(ctx.CancellationToken)
                        ?? throw new DispatchException(ErrorCodes.NotFound, "no such dangerous object", "input.id");
                    ctx.AuditTerritory(existing.TerritoryKato);
                    ctx.Caller().RequireTerritory(existing.TerritoryKato, "input.id");
                }

                await using var tx = await WriteTransaction.BeginAsync(db, ctx, ctx.CancellationToken);
                var territory = await Territories.TerritoryDb.DistrictOfAsync(tx, geometry, ctx.CancellationToken);
                ctx.AuditTerritory(territory);
                ctx.Caller().RequireTerritory(territory, "input.geometry");
                var id = await DangerousObjectDb.UpsertAsync(tx, parsed, territory, ctx.Caller().Name, ctx.CancellationToken);
                await tx.CommitAsync(ctx.CancellationToken);
                return (await DangerousObjectDb.ByIdAsync(db, [id], ctx.CancellationToken))[id];
            });

        root.Field<NonNullGraphType<HazardZoneGraphType>>("addHazardZone")
            .Argument<NonNullGraphType<IdGraphType>>("object")
            .Argument<NonNullGraphType<HazardZoneKindGraphType>>("kind")
            .Argument<NonNullGraphType<StringGraphType>>("name")
            .Argument<NonNullGraphType<GeometryGraphType>>("geometry", "Polygon or MultiPolygon.")
            .Argument<IntGraphType>("crs")
            .Argument<StringGraphType>("basis")
            .AllowRoles(Role.Admin, Role.DutyOfficer112)
            .ResolveAsync(async ctx =>
            {
                var target = await loaders.ObjectById(ctx, ctx.GetArgument<Guid>("object")).GetResultAsync(ctx.CancellationToken)
                    ?? throw new DispatchException(ErrorCodes.NotFound, "no such dangerous object", "object");
                ctx.AuditTerritory(target.TerritoryKato);
                ctx.Caller().RequireTerritory(target.TerritoryKato, "object");
                var shape = await spatial.GeometryAsync(ctx.GetArgument<Geometry>("geometry"), ctx.GetArgument<int?>("crs") ?? GeoJson.Wgs84, "geometry", ctx.CancellationToken);
                if (shape is not (Polygon or MultiPolygon))
                {
                    throw new InvalidGeometryException($"a hazard zone is a Polygon or MultiPolygon, not a {shape.GeometryType}", "geometry");
                }

                var name = ctx.GetArgument<string>("name").Trim();
                var kind = ctx.GetArgument<HazardZoneKind>("kind");
                var basis = ctx.GetArgument<string?>("basis");
                await using var tx = await WriteTransaction.BeginAsync(db, ctx, ctx.CancellationToken);
                var id = await DangerousObjectDb.AddHazardZoneAsync(tx, target.Id, kind, name, shape, basis, target.TerritoryKato, ctx.Caller().Name, ctx.CancellationToken);
                await tx.CommitAsync(ctx.CancellationToken);
                return new HazardZone(id, target.Id, kind, name, GeoJson.Write(shape).GetRawText(), basis);
            });
    }

    private static DangerousObjectInput Read(Dictionary<string, object?> input, Geometry geometry)
    {
        var name = ((string)input["name"]!).Trim();
        var kind = ((string)input["objectKind"]!).Trim();
        if (name.Length is 0 or > 300 || kind.Length is 0 or > 200)
        {
            throw new BadUserInputException("name and objectKind are required (up to 300 and 200 characters)", "input");
        }

        var substances = Items(input, "substances").Select((s, i) =>
        {
            var quantity = Convert.ToDouble(s["quantityTonnes"], CultureInfo.InvariantCulture);
            if (!double.IsFinite(quantity) || quantity < 0)
            {
                throw new BadUserInputException($"substances[{i}].quantityTonnes must be 0 or more", $"input.substances[{i}].quantityTonnes");
            }

            var un = s.GetValueOrDefault("unNumber") as string;
            if (un is not null && (un.Length != 4 || !un.All(char.IsAsciiDigit)))
            {
                throw new BadUserInputException($"substances[{i}].unNumber must be 4 digits", $"input.substances[{i}].unNumber");
            }

            return new { name = ((string)s["name"]!).Trim(), unNumber = un, casNumber = s.GetValueOrDefault("casNumber") as string, quantityTonnes = quantity, state = s.GetValueOrDefault("state") as string };
        }).ToList();
        var contacts = Items(input, "contacts").Select(c => new { name = (string)c["name"]!, role = c.GetValueOrDefault("role") as string, phone = (string)c["phone"]! }).ToList();
        return new DangerousObjectInput(input.GetValueOrDefault("id") is { } id ? Guid.Parse(id.ToString()!) : null, input.GetValueOrDefault("externalRef") as string,
            name, (HazardClass)input["hazardClass"]!, kind, input.GetValueOrDefault("operator") as string, geometry,
            JsonSerializer.Serialize(substances, Camel), JsonSerializer.Serialize(contacts, Camel));
    }

    private static IEnumerable<Dictionary<string, object?>> Items(Dictionary<string, object?> input, string name) =>
        ((input.GetValueOrDefault(name) as IEnumerable<object?>) ?? []).Cast<Dictionary<string, object?>>();
}
