using Dispatch.Gis.Auth;
using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Storage;
using GraphQL;
using GraphQL.Types;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Dispatch.Gis.Zones;

internal sealed class CreateZoneInputGraphType : InputObjectGraphType
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

internal static class ZoneMutations
{
    public static void AddTo(ObjectGraphType root, NpgsqlDataSource db, ZoneLoaders loaders, SpatialArguments spatial, Incidents.ClassificationRules rules)
    {
        root.Field<NonNullGraphType<ZoneGraphType>>("createZone")
            .Argument<NonNullGraphType<CreateZoneInputGraphType>>("input")
            .AllowRoles(Role.DutyOfficer112)
            .ResolveAsync(async ctx =>
            {
                var input = ctx.GetArgument<Dictionary<string, object?>>("input");
                var shape = await AreaAsync(spatial, (Geometry)input["geometry"]!, input.GetValueOrDefault("crs") as int?, "input.geometry", ctx.CancellationToken);
                var name = ((string)input["name"]!).Trim();
                if (name.Length is 0 or > 300)
                {
                    throw new BadUserInputException("name must be 1 to 300 characters", "input.name");
                }

                await using var tx = await WriteTransaction.BeginAsync(db, ctx, ctx.CancellationToken);
                var territory = await ZoneDb.MainTerritoryAsync(tx, shape, ctx.CancellationToken);
                ctx.AuditTerritory(territory);
                ctx.Caller().RequireTerritory(territory, "geometry");
                var incident = input.GetValueOrDefault("incident") is { } given ? Guid.Parse(given.ToString()!) : (Guid?)null;
                var id = await ZoneDb.CreateAsync(tx, (ZoneKind)input["kind"]!, name, (Hazard)input["hazard"]!, shape, territory, incident,
                    input.GetValueOrDefault("note") as string, ctx.Caller().Name, ctx.CancellationToken);
                await OfferAsUpdateAsync(tx, rules, id, 1, name, (Hazard)input["hazard"]!, territory, incident, "drawn", ctx);
                await tx.CommitAsync(ctx.CancellationToken);
                return (await ZoneDb.ByIdAsync(db, [id], ctx.CancellationToken))[id];
            });

        root.Field<NonNullGraphType<ZoneGraphType>>("updateZoneGeometry")
            .Description("Redraws a zone as a new version; the old one is kept and the change announced with the area added and removed.")
            .Argument<NonNullGraphType<IdGraphType>>("zone")
            .Argument<NonNullGraphType<GeometryGraphType>>("geometry")
            .Argument<IntGraphType>("crs")
            .Argument<IntGraphType>("expectedVersion", "The version the edit was drawn on; CONFLICT if someone changed the zone since.")
            .Argument<StringGraphType>("note")
            .AllowRoles(Role.DutyOfficer112)
            .ResolveAsync(async ctx =>
            {
                var zone = await RequireZoneAsync(ctx, loaders);
                var shape = await AreaAsync(spatial, ctx.GetArgument<Geometry>("geometry"), ctx.GetArgument<int?>("crs"), "geometry", ctx.CancellationToken);
                await using var tx = await WriteTransaction.BeginAsync(db, ctx, ctx.CancellationToken);
                var territory = await ZoneDb.MainTerritoryAsync(tx, shape, ctx.CancellationToken);
                ctx.Caller().RequireTerritory(territory, "geometry");
                var (version, added, removed) = await ZoneDb.UpdateAsync(tx, zone, shape, ctx.GetArgument<int?>("expectedVersion"), ctx.GetArgument<string?>("note"),
                    ctx.Caller().Name, ctx.CancellationToken);
                await OfferAsUpdateAsync(tx, rules, zone.Id, version, zone.Name, zone.Hazard, territory, zone.IncidentId,
                    string.Create(System.Globalization.CultureInfo.InvariantCulture, $"redrawn: +{added:F2} km², −{removed:F2} km²"), ctx);
                await tx.CommitAsync(ctx.CancellationToken);
                return (await ZoneDb.ByIdAsync(db, [zone.Id], ctx.CancellationToken))[zone.Id];
            });

        root.Field<NonNullGraphType<ZoneGraphType>>("closeZone")
            .Argument<NonNullGraphType<IdGraphType>>("zone")
            .Argument<StringGraphType>("note")
            .AllowRoles(Role.DutyOfficer112)
            .ResolveAsync(async ctx =>
            {
                var zone = await RequireZoneAsync(ctx, loaders);
                await using var tx = await WriteTransaction.BeginAsync(db, ctx, ctx.CancellationToken);
                await ZoneDb.CloseAsync(tx, zone, ctx.GetArgument<string?>("note"), ctx.Caller().Name, ctx.CancellationToken);
                await OfferAsUpdateAsync(tx, rules, zone.Id, zone.Version, zone.Name, zone.Hazard, zone.TerritoryKato, zone.IncidentId, "closed", ctx);
                await tx.CommitAsync(ctx.CancellationToken);
                return zone with { Status = ZoneStatus.Closed };
            });
    }

    /// <summary>
    /// Every change of an emergency zone goes to the partners of the matching profile as a situation update
    /// (Rules §5.2), in the same transaction as the change.
    /// </summary>
    private static async Task OfferAsUpdateAsync(WriteTransaction tx, Incidents.ClassificationRules rules, Guid zone, int version, string name, Hazard hazard,
        string? territory, Guid? incident, string what, IResolveFieldContext ctx)
    {
        if (territory is null)
        {
            return;
        }

        var domain = hazard switch
        {
            Hazard.Radiation => Incidents.SituationDomain.Radiation,
            Hazard.Chemical => Incidents.SituationDomain.Chemical,
            Hazard.Biological => Incidents.SituationDomain.Biological,
            Hazard.Ecological or Hazard.Flood => Incidents.SituationDomain.Ecological,
            Hazard.Fire => Incidents.SituationDomain.Fire,
            _ => Incidents.SituationDomain.Other,
        };
        await Incidents.SituationDb.SendAsync(tx, territory, zone, version, incident, domain, $"Zone \"{name}\" version {version}: {what}.",
            rules.Recipients(domain), ctx.Caller().Name, ctx.CancellationToken);
    }

    private static async Task<Zone> RequireZoneAsync(IResolveFieldContext ctx, ZoneLoaders loaders)
    {
        var zone = await loaders.ZoneById(ctx, ctx.GetArgument<Guid>("zone")).GetResultAsync(ctx.CancellationToken)
            ?? throw new DispatchException(ErrorCodes.NotFound, "no such zone", "zone");
        ctx.AuditTerritory(zone.TerritoryKato);
        ctx.Caller().RequireTerritory(zone.TerritoryKato, "zone");
        return zone;
    }

    private static async Task<Geometry> AreaAsync(SpatialArguments spatial, Geometry geometry, int? crs, string argument, CancellationToken ct)
    {
        var shape = await spatial.GeometryAsync(geometry, crs ?? GeoJson.Wgs84, argument, ct);
        return shape is Polygon or MultiPolygon
            ? shape
            : throw new InvalidGeometryException($"a zone is a Polygon or MultiPolygon, not a {shape.GeometryType}", argument);
    }
}
