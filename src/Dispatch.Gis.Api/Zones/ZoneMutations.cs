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
    public static void AddTo(ObjectGraphType root, NpgsqlDataSource db, ZoneLoaders loaders, SpatialArguments spatial)
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
                RequireScope(ctx.Caller(), territory);
                var id = await ZoneDb.CreateAsync(tx, (ZoneKind)input["kind"]!, name, (Hazard)input["hazard"]!, shape, territory,
                    input.GetValueOrDefault("incident") is { } incident ? Guid.Parse(incident.ToString()!) : null, input.GetValueOrDefault("note") as string,
                    ctx.Caller().Name, ctx.CancellationToken);
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
                RequireScope(ctx.Caller(), territory);
                await ZoneDb.UpdateAsync(tx, zone, shape, ctx.GetArgument<int?>("expectedVersion"), ctx.GetArgument<string?>("note"), ctx.Caller().Name, ctx.CancellationToken);
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
                await tx.CommitAsync(ctx.CancellationToken);
                return zone with { Status = ZoneStatus.Closed };
            });
    }

    private static async Task<Zone> RequireZoneAsync(IResolveFieldContext ctx, ZoneLoaders loaders)
    {
        var zone = await loaders.ZoneById(ctx, ctx.GetArgument<Guid>("zone")).GetResultAsync(ctx.CancellationToken)
            ?? throw new DispatchException(ErrorCodes.NotFound, "no such zone", "zone");
        ctx.AuditTerritory(zone.TerritoryKato);
        RequireScope(ctx.Caller(), zone.TerritoryKato);
        return zone;
    }

    private static void RequireScope(Caller caller, string? territory)
    {
        if (!caller.Scope.Covers(territory))
        {
            throw new ForbiddenException(territory is null
                ? "the zone lies outside every territory: nationwide tokens only"
                : $"the zone lies in {territory}, outside this token's territories", "geometry");
        }
    }

    private static async Task<Geometry> AreaAsync(SpatialArguments spatial, Geometry geometry, int? crs, string argument, CancellationToken ct)
    {
        var shape = await spatial.GeometryAsync(geometry, crs ?? GeoJson.Wgs84, argument, ct);
        return shape is Polygon or MultiPolygon
            ? shape
            : throw new InvalidGeometryException($"a zone is a Polygon or MultiPolygon, not a {shape.GeometryType}", argument);
    }
}
