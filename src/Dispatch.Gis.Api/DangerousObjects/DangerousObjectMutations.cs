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

/// <summary>Potentially dangerous objects: what they hold, who answers for them, and their own hazard zones.</summary>
internal sealed class DangerousObjectMutations(NpgsqlDataSource db, DangerousObjectLoaders loaders, SpatialArguments spatial)
{
    public const int MaxNameLength = TextLimits.ShortText;
    public const int MaxKindLength = TextLimits.ShortText;
    public const int MaxListItems = 100;
    private static readonly JsonSerializerOptions Camel = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public void AddTo(ObjectGraphType root)
    {
        root.Field<NonNullGraphType<DangerousObjectGraphType>>("upsertDangerousObject")
            .Argument<NonNullGraphType<DangerousObjectInputGraphType>>("input")
            .AllowRoles(Role.Admin, Role.DutyOfficer112)
            .ResolveAsync(UpsertDangerousObjectAsync);

        root.Field<NonNullGraphType<HazardZoneGraphType>>("addHazardZone")
            .Argument<NonNullGraphType<IdGraphType>>("object")
            .Argument<NonNullGraphType<HazardZoneKindGraphType>>("kind")
            .Argument<NonNullGraphType<StringGraphType>>("name")
            .Argument<NonNullGraphType<GeometryGraphType>>("geometry", "Polygon or MultiPolygon.")
            .Argument<IntGraphType>("crs")
            .Argument<StringGraphType>("basis")
            .AllowRoles(Role.Admin, Role.DutyOfficer112)
            .ResolveAsync(AddHazardZoneAsync);
    }

    private async Task<object?> UpsertDangerousObjectAsync(IResolveFieldContext ctx)
    {
        var input = ctx.GetArgument<DangerousObjectInput>("input");
        var geometry = await spatial.GeometryAsync(input.Geometry, input.Crs ?? GeoJson.Wgs84, "input.geometry", ctx.CancellationToken);
        var change = Read(input, geometry);
        if (change.Id is { } existingId)
        {
            var existing = await loaders.ObjectById(ctx, existingId).GetResultAsync(ctx.CancellationToken)
                ?? throw new NotFoundException("no such dangerous object", "input.id");
            ctx.AuditTerritory(existing.TerritoryKato);
            ctx.Caller().RequireTerritory(existing.TerritoryKato, "input.id");
        }

        var territory = await Territories.TerritoryDb.DistrictOfAsync(db, geometry, ctx.CancellationToken);
        ctx.AuditTerritory(territory);
        ctx.Caller().RequireTerritory(territory, "input.geometry");
        var id = await UnitOfWork.RunAsync(db, ctx.WriteOrigin(), w => DangerousObjectDb.UpsertAsync(w, change, territory, ctx.CancellationToken), ctx.CancellationToken);
        return await loaders.ObjectById(ctx, id).GetResultAsync(ctx.CancellationToken);
    }

    private async Task<object?> AddHazardZoneAsync(IResolveFieldContext ctx)
    {
        var target = await loaders.ObjectById(ctx, ctx.GetId("object")).GetResultAsync(ctx.CancellationToken)
            ?? throw new NotFoundException("no such dangerous object", "object");
        ctx.AuditTerritory(target.TerritoryKato);
        ctx.Caller().RequireTerritory(target.TerritoryKato, "object");
        var shape = await spatial.GeometryAsync(ctx.GetArgument<Geometry>("geometry"), ctx.GetArgument<int?>("crs") ?? GeoJson.Wgs84, "geometry", ctx.CancellationToken);
        if (shape is not (Polygon or MultiPolygon))
        {
            throw new InvalidGeometryException($"a hazard zone is a Polygon or MultiPolygon, not a {shape.GeometryType}", "geometry");
        }

        var name = TextInput.Required(ctx.GetArgument<string>("name"), "name", MaxNameLength);
        var kind = ctx.GetArgument<HazardZoneKind>("kind");
        var basis = TextInput.Optional(ctx.GetArgument<string?>("basis"), "basis", TextLimits.Note, multiline: true);
        var id = await UnitOfWork.RunAsync(db, ctx.WriteOrigin(),
            w => DangerousObjectDb.AddHazardZoneAsync(w, target.Id, kind, name, shape, basis, target.TerritoryKato, ctx.CancellationToken), ctx.CancellationToken);
        return new HazardZone(id, target.Id, kind, name, GeoJson.Write(shape).GetRawText(), basis);
    }

    private static DangerousObjectChange Read(DangerousObjectInput input, Geometry geometry)
    {
        var name = TextInput.Required(input.Name, "input.name", MaxNameLength);
        var kind = TextInput.Required(input.ObjectKind, "input.objectKind", MaxKindLength);
        if ((input.Substances?.Count ?? 0) > MaxListItems || (input.Contacts?.Count ?? 0) > MaxListItems)
        {
            throw new BadUserInputException($"substances and contacts hold at most {MaxListItems} entries each", "input");
        }

        var substances = (input.Substances ?? []).Select((s, i) =>
        {
            var at = $"input.substances[{i}]";
            if (!double.IsFinite(s.QuantityTonnes) || s.QuantityTonnes < 0 || s.QuantityTonnes > 1e9)
            {
                throw new BadUserInputException($"{at}.quantityTonnes must be 0 or more", $"{at}.quantityTonnes");
            }

            var un = TextInput.Optional(s.UnNumber, $"{at}.unNumber", 4);
            if (un is not null && (un.Length != 4 || !un.All(char.IsAsciiDigit)))
            {
                throw new BadUserInputException($"{at}.unNumber must be 4 digits", $"{at}.unNumber");
            }

            return new
            {
                name = TextInput.Required(s.Name, $"{at}.name", MaxKindLength), unNumber = un, casNumber = TextInput.Optional(s.CasNumber, $"{at}.casNumber", 32),
                quantityTonnes = s.QuantityTonnes, state = TextInput.Optional(s.State, $"{at}.state", TextLimits.Code),
            };
        }).ToList();
        var contacts = (input.Contacts ?? []).Select((c, i) => new
        {
            name = TextInput.Required(c.Name, $"input.contacts[{i}].name", MaxKindLength), role = TextInput.Optional(c.Role, $"input.contacts[{i}].role", MaxKindLength),
            phone = TextInput.Required(c.Phone, $"input.contacts[{i}].phone", TextLimits.Code),
        }).ToList();
        return new DangerousObjectChange(Ids.ParseOptional(input.Id, "input.id"), TextInput.Optional(input.ExternalRef, "input.externalRef", MaxKindLength),
            name, input.HazardClass, kind, TextInput.Optional(input.Operator, "input.operator", MaxNameLength), geometry,
            JsonSerializer.Serialize(substances, Camel), JsonSerializer.Serialize(contacts, Camel));
    }
}
