using Dispatch.Gis.Auth;
using Dispatch.Gis.DangerousObjects;
using Dispatch.Gis.Events;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Incidents;
using Dispatch.Gis.Storage;
using Dispatch.Gis.Territories;
using Dispatch.Gis.Zones;
using GraphQL;
using GraphQL.Types;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Dispatch.Gis.Forecasts;

/// <summary>
/// 112 asks for a forecast and gets it back QUEUED at once; <see cref="ComputeForecastJob"/> computes it. Everything a
/// computation could refuse is checked here first, so a bad request stores nothing.
/// </summary>
internal sealed class ForecastMutations(NpgsqlDataSource db, ForecastLoaders loaders, IncidentLoaders incidents, IEnumerable<IForecastStep> steps,
    ForecastSchedule schedule, ClassificationRules rules, DamBreakMutations dams, InundationLevelMutations levels, ForecastWarningDraft warningDraft)
{
    private readonly Dictionary<ForecastModel, IForecastStep> _steps = steps.ToDictionary(s => s.Model);

    public void AddTo(ObjectGraphType root)
    {
        root.Field<NonNullGraphType<ForecastGraphType>>("runForecast")
            .Description("Queues a forecast and returns it QUEUED; a scheduler job computes it (watch state and progress, or FORECAST_* events).")
            .Argument<NonNullGraphType<RunForecastInputGraphType>>("input")
            .AllowRoles(Role.DutyOfficer112)
            .ResolveAsync(RunForecastAsync);

        root.Field<NonNullGraphType<ForecastGraphType>>("cancelForecast")
            .Description("Stops a forecast: a pending computation is dropped, a running one writes nothing, and its zones are closed.")
            .Argument<NonNullGraphType<IdGraphType>>("forecast")
            .AllowRoles(Role.DutyOfficer112)
            .ResolveAsync(CancelForecastAsync);

        root.Field<NonNullGraphType<ForecastGraphType>>("refreshForecast")
            .Description("Computes the forecast again with the weather as it is now; a new version only if its inputs changed.")
            .Argument<NonNullGraphType<IdGraphType>>("forecast")
            .AllowRoles(Role.DutyOfficer112)
            .ResolveAsync(RefreshForecastAsync);

        dams.AddTo(root);
        levels.AddTo(root);
    }

    private async Task<object?> RunForecastAsync(IResolveFieldContext ctx)
    {
        var ct = ctx.CancellationToken;
        var input = ctx.GetArgument<RunForecastInput>("input");
        ForecastInputRules.RefuseForeign(input);
        var objectId = Ids.ParseOptional(input.DangerousObject, "input.dangerousObject");
        var postId = Ids.ParseOptional(input.HydroPost, "input.hydroPost");
        var incidentId = Ids.ParseOptional(input.Incident, "input.incident");
        if (new object?[] { objectId, input.Location, postId }.Count(x => x is not null) != 1)
        {
            throw new BadUserInputException("give exactly one of dangerousObject, location and hydroPost",
                objectId is null ? (postId is null ? "input.location" : "input.hydroPost") : "input.dangerousObject");
        }

        Point source;
        string? territory;
        var at = "input.location";
        if (objectId is { } o)
        {
            at = "input.dangerousObject";
            if (!(await DangerousObjectDb.ByIdAsync(db, [o], ct)).ContainsKey(o))
            {
                throw new NotFoundException("no such dangerous object", at);
            }

            (source, territory) = await ForecastDb.ObjectSourceAsync(db, o, ct)
                ?? throw new BadUserInputException("the dangerous object has no known location: give location instead", at);
        }
        else if (postId is { } p)
        {
            at = "input.hydroPost";
            var post = await ForecastDb.StationSourceAsync(db, p, ct) ?? throw new NotFoundException("no such monitoring station", at);
            if (post.Kind != "HYDRO_POST")
            {
                throw new BadUserInputException($"a flood by level is drawn at a HYDRO_POST, not a {post.Kind}", at);
            }

            (source, territory) = (post.Source, post.Territory);
        }
        else
        {
            source = input.Location as Point ?? throw new InvalidGeometryException($"location must be a Point, not a {input.Location!.GeometryType}", at);
            territory = await TerritoryDb.DistrictOfAsync(db, source, ct);
        }

        var forecast = await _steps[input.Model].CheckAsync(new ForecastRequest(input, objectId, postId, incidentId, source, territory, input.HorizonsMinutes), ct);
        if (incidentId is { } i)
        {
            var incident = await incidents.IncidentById(ctx, i).GetResultAsync(ct) ?? throw new NotFoundException("no such incident", "input.incident");
            ctx.Caller().RequireTerritory(incident.TerritoryKato, "input.incident");
        }

        ctx.AuditTerritory(territory);
        ctx.Caller().RequireTerritory(territory, at);
        var id = await UnitOfWork.RunAsync(db, ctx.WriteOrigin(), w => ForecastDb.CreateAsync(w, forecast, ct), ct);
        await schedule.EnqueueAsync(id, ComputationReason.Queued, ct);
        return await loaders.ForecastById(ctx, id).GetResultAsync(ct);
    }

    private async Task<object?> CancelForecastAsync(IResolveFieldContext ctx)
    {
        var ct = ctx.CancellationToken;
        var forecast = await RequireForecastAsync(ctx);
        await UnitOfWork.RunAsync(db, ctx.WriteOrigin(), async w =>
        {
            // Lock order as the computation's: the geofence gate, the forecast, then its zones in id order.
            await w.GeofenceGateAsync(GeofenceSide.Zones, ct);
            var locked = await ForecastDb.LockAsync(w, forecast.Id, ct);
            if (locked.State == ForecastState.Cancelled)
            {
                throw new ConflictException("the forecast is already cancelled", "forecast");
            }

            await ForecastDb.SetStateAsync(w, forecast.Id, ForecastState.Cancelled, locked.Progress, null, ct);
            var zoneIds = (await ForecastDb.HorizonsAsync(w, forecast.Id, ct)).Select(h => h.ZoneId).ToList();
            await ZoneDb.LockForChangeAsync(w, zoneIds, ct);
            var closed = new List<Guid>();
            foreach (var zone in (await ZoneDb.ByIdAsync(db, zoneIds, ct)).Values.Where(z => z.Status == ZoneStatus.Active).OrderBy(z => z.Id))
            {
                var version = await ZoneDb.CloseAsync(w, zone, "forecast cancelled", ct);
                await ZoneSituation.OfferAsync(w, rules, zone.Id, version, zone.Name, zone.Hazard, zone.TerritoryKato, zone.IncidentId, "forecast cancelled", ct);
                await warningDraft.ZoneClosedAsync(w, zone.Id, version, ct);
                closed.Add(zone.Id);
            }

            w.Add(new NewEvent("FORECAST_CANCELLED", "Forecast", forecast.Id.ToString(),
                new { forecastId = forecast.Id, incidentId = forecast.IncidentId, previousState = DbEnum.Text(locked.State), closedZones = closed },
                forecast.Source, forecast.TerritoryKato));
        }, ct);
        await schedule.RemoveAsync(forecast.Id, ct);
        return await ReloadAsync(ctx, forecast.Id);
    }

    private async Task<object?> RefreshForecastAsync(IResolveFieldContext ctx)
    {
        var ct = ctx.CancellationToken;
        var forecast = await RequireForecastAsync(ctx);
        await UnitOfWork.RunAsync(db, ctx.WriteOrigin(), async w =>
        {
            var locked = await ForecastDb.LockAsync(w, forecast.Id, ct);
            if (locked.State == ForecastState.Cancelled)
            {
                throw new ConflictException("a cancelled forecast is not computed again", "forecast");
            }

            w.Add(new NewEvent("FORECAST_REFRESH_REQUESTED", "Forecast", forecast.Id.ToString(),
                new { forecastId = forecast.Id, incidentId = forecast.IncidentId, version = locked.Version }, forecast.Source, forecast.TerritoryKato));
        }, ct);
        await schedule.EnqueueAsync(forecast.Id, ComputationReason.RefreshRequested, ct);
        return await ReloadAsync(ctx, forecast.Id);
    }

    private async Task<Forecast> RequireForecastAsync(IResolveFieldContext ctx)
    {
        var forecast = await loaders.ForecastById(ctx, ctx.GetId("forecast")).GetResultAsync(ctx.CancellationToken)
            ?? throw new NotFoundException("no such forecast", "forecast");
        ctx.AuditTerritory(forecast.TerritoryKato);
        ctx.Caller().RequireTerritory(forecast.TerritoryKato, "forecast");
        return forecast;
    }

    // The loader cached the row read before the change; the answer is the row as committed.
    private async Task<Forecast?> ReloadAsync(IResolveFieldContext ctx, Guid id) =>
        (await ForecastDb.ByIdAsync(db, [id], ctx.CancellationToken)).TryGetValue(id, out var f) ? f : null;
}
