using Dispatch.Gis.Auth;
using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Incidents;
using Dispatch.Gis.PublicWarnings;
using Dispatch.Gis.Situation;
using Dispatch.Gis.Storage;
using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.Options;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Dispatch.Gis.Zones;

/// <summary>Emergency zones are drawn, redrawn and closed by 112; every change is a version, and goes to the partners of the matching profile.</summary>
internal sealed class ZoneMutations(NpgsqlDataSource db, ZoneLoaders loaders, IncidentLoaders incidents, SpatialArguments spatial, ClassificationRules rules,
    IOptions<PublicWarningOptions> warnings, TimeProvider clock)
{
    public const int MaxNameLength = TextLimits.ShortText;
    public const int MaxNoteLength = TextLimits.Note;

    public void AddTo(ObjectGraphType root)
    {
        root.Field<NonNullGraphType<ZoneGraphType>>("createZone")
            .Argument<NonNullGraphType<CreateZoneInputGraphType>>("input")
            .AllowRoles(Role.DutyOfficer112)
            .ResolveAsync(CreateZoneAsync);

        root.Field<NonNullGraphType<ZoneGraphType>>("updateZoneGeometry")
            .Description("Redraws a zone as a new version; the old one is kept and the change announced with the area added and removed.")
            .Argument<NonNullGraphType<IdGraphType>>("zone")
            .Argument<NonNullGraphType<GeometryGraphType>>("geometry")
            .Argument<IntGraphType>("crs")
            .Argument<IntGraphType>("expectedVersion", "The version the edit was drawn on; CONFLICT if someone changed the zone since.")
            .Argument<StringGraphType>("note")
            .AllowRoles(Role.DutyOfficer112)
            .ResolveAsync(UpdateZoneGeometryAsync);

        root.Field<NonNullGraphType<ZoneGraphType>>("closeZone")
            .Argument<NonNullGraphType<IdGraphType>>("zone")
            .Argument<StringGraphType>("note")
            .AllowRoles(Role.DutyOfficer112)
            .ResolveAsync(CloseZoneAsync);
    }

    private async Task<object?> CreateZoneAsync(IResolveFieldContext ctx)
    {
        var input = ctx.GetArgument<CreateZoneInput>("input");
        var shape = await AreaAsync(input.Geometry, input.Crs, "input.geometry", ctx.CancellationToken);
        var name = TextInput.Required(input.Name, "input.name", MaxNameLength);
        var note = TextInput.Optional(input.Note, "input.note", MaxNoteLength, multiline: true);
        var incidentId = Ids.ParseOptional(input.Incident, "input.incident");
        if (incidentId is { } i)
        {
            var incident = await incidents.IncidentById(ctx, i).GetResultAsync(ctx.CancellationToken) ?? throw new NotFoundException("no such incident", "input.incident");
            ctx.Caller().RequireTerritory(incident.TerritoryKato, "input.incident");
        }

        var territory = await ZoneDb.MainTerritoryAsync(db, shape, ctx.CancellationToken);
        ctx.AuditTerritory(territory);
        ctx.Caller().RequireTerritory(territory, "input.geometry");
        var zone = new NewZone(input.Kind, name, input.Hazard, shape, incidentId, note);
        var id = await UnitOfWork.RunAsync(db, ctx.WriteOrigin(), async w =>
        {
            var id = await ZoneDb.CreateAsync(w, zone, territory, ctx.CancellationToken);
            await OfferAsUpdateAsync(w, id, 1, name, zone.Hazard, territory, incidentId, "drawn", ctx.CancellationToken);
            return id;
        }, ctx.CancellationToken);
        return await loaders.ZoneById(ctx, id).GetResultAsync(ctx.CancellationToken);
    }

    private async Task<object?> UpdateZoneGeometryAsync(IResolveFieldContext ctx)
    {
        var zone = await RequireZoneAsync(ctx);
        var shape = await AreaAsync(ctx.GetArgument<Geometry>("geometry"), ctx.GetArgument<int?>("crs"), "geometry", ctx.CancellationToken);
        var note = TextInput.Optional(ctx.GetArgument<string?>("note"), "note", MaxNoteLength, multiline: true);
        var territory = await ZoneDb.MainTerritoryAsync(db, shape, ctx.CancellationToken);
        ctx.Caller().RequireTerritory(territory, "geometry");
        await UnitOfWork.RunAsync(db, ctx.WriteOrigin(), async w =>
        {
            var (version, added, removed) = await ZoneDb.UpdateAsync(w, zone, shape, territory, ctx.GetArgument<int?>("expectedVersion"), note, ctx.CancellationToken);
            await OfferAsUpdateAsync(w, zone.Id, version, zone.Name, zone.Hazard, territory, zone.IncidentId,
                string.Create(System.Globalization.CultureInfo.InvariantCulture, $"redrawn: +{added:F2} km², −{removed:F2} km²"), ctx.CancellationToken);
            // Public warnings that follow the zone get an update drafted in the same unit; an officer sends it.
            await PublicWarningDb.DraftForZoneAsync(w, zone.Id, version, zone.Name, territory, shape, warnings.Value,
                CapText.Seconds(clock.GetUtcNow().UtcDateTime), ctx.CancellationToken);
        }, ctx.CancellationToken);
        return await loaders.ZoneById(ctx, zone.Id).GetResultAsync(ctx.CancellationToken);
    }

    private async Task<object?> CloseZoneAsync(IResolveFieldContext ctx)
    {
        var zone = await RequireZoneAsync(ctx);
        var note = TextInput.Optional(ctx.GetArgument<string?>("note"), "note", MaxNoteLength, multiline: true);
        await UnitOfWork.RunAsync(db, ctx.WriteOrigin(), async w =>
        {
            var version = await ZoneDb.CloseAsync(w, zone, note, ctx.CancellationToken);
            await OfferAsUpdateAsync(w, zone.Id, version, zone.Name, zone.Hazard, zone.TerritoryKato, zone.IncidentId, "closed", ctx.CancellationToken);
            // Warnings that follow the zone get a Cancel drafted; they stay public until an officer confirms it.
            await PublicWarningDb.DraftCancelForZoneAsync(w, zone.Id, version, warnings.Value, CapText.Seconds(clock.GetUtcNow().UtcDateTime), ctx.CancellationToken);
        }, ctx.CancellationToken);
        return await loaders.ZoneById(ctx, zone.Id).GetResultAsync(ctx.CancellationToken);
    }

    private Task OfferAsUpdateAsync(UnitOfWork w, Guid zone, int version, string name, Hazard hazard, string? territory, Guid? incident, string what,
        CancellationToken ct) => ZoneSituation.OfferAsync(w, rules, zone, version, name, hazard, territory, incident, what, ct);

    private async Task<Zone> RequireZoneAsync(IResolveFieldContext ctx)
    {
        var zone = await loaders.ZoneById(ctx, ctx.GetId("zone")).GetResultAsync(ctx.CancellationToken)
            ?? throw new NotFoundException("no such zone", "zone");
        ctx.AuditTerritory(zone.TerritoryKato);
        ctx.Caller().RequireTerritory(zone.TerritoryKato, "zone");
        return zone;
    }

    private async Task<Geometry> AreaAsync(Geometry geometry, int? crs, string argument, CancellationToken ct)
    {
        var shape = await spatial.GeometryAsync(geometry, crs ?? GeoJson.Wgs84, argument, ct);
        return shape is Polygon or MultiPolygon
            ? shape
            : throw new InvalidGeometryException($"a zone is a Polygon or MultiPolygon, not a {shape.GeometryType}", argument);
    }
}
