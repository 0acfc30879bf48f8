using System.Globalization;
using Dispatch.Gis.Auth;
using Dispatch.Gis.Events;
using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Services;
using Dispatch.Gis.Storage;
using Dispatch.Gis.Units;
using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.Options;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Dispatch.Gis.Incidents;

internal sealed class ReportIncidentInputGraphType : InputObjectGraphType
{
    public ReportIncidentInputGraphType()
    {
        Name = "ReportIncidentInput";
        Field<DateTimeGraphType>("receivedAt").Description("When 112 (or the partner) received it; now when absent.");
        Field<NonNullGraphType<IncidentChannelGraphType>>("channel");
        Field<StringGraphType>("callerName");
        Field<StringGraphType>("callerPhone");
        Field<NonNullGraphType<GeometryGraphType>>("location").Description("Point (with an address, when the caller gave one).");
        Field<IntGraphType>("crs");
        Field<StringGraphType>("address");
        Field<NonNullGraphType<StringGraphType>>("description");
        Field<StringGraphType>("preliminaryType").Description("A type of the rule table, e.g. CHEMICAL_RELEASE.");
        Field<IntGraphType>("urgency").Description("1 (most urgent) to 4.");
    }
}

internal sealed class DeploymentReportInputGraphType : InputObjectGraphType
{
    public DeploymentReportInputGraphType()
    {
        Name = "DeploymentReportInput";
        Field<NonNullGraphType<StringGraphType>>("clientReportId").Description("The sender's id for this report: a resend with the same id changes nothing.");
        Field<IntGraphType>("personnel");
        Field<ListGraphType<NonNullGraphType<VehicleInputGraphType>>>("vehicles");
        Field<DateTimeGraphType>("departedAt").Description("Left for the zone.");
        Field<DateTimeGraphType>("arrivedAt").Description("Arrived at the zone.");
        Field<DateTimeGraphType>("leftAt").Description("Left the zone.");
    }
}

internal static class IncidentMutations
{
    private static readonly ServiceKind[] ForceProviders = [ServiceKind.Police, ServiceKind.Ambulance, ServiceKind.MedicalAviation];

    public static void AddTo(ObjectGraphType root, NpgsqlDataSource db, IncidentLoaders loaders, UnitLoaders units, ServiceLoaders services,
        SpatialArguments spatial, ClassificationRules rules, IOptions<IncidentOptions> incidentOptions)
    {
        var options = incidentOptions.Value;

        root.Field<NonNullGraphType<IncidentGraphType>>("reportIncident")
            .Description("A new 112 card. A partner's report reaches 112 the same way (channel PARTNER_REPORT).")
            .Argument<NonNullGraphType<ReportIncidentInputGraphType>>("input")
            .AllowRoles(Role.DutyOfficer112, Role.PartnerOfficer)
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                var raw = ctx.GetArgument<Dictionary<string, object?>>("input");
                var location = await spatial.PointAsync((Geometry)raw["location"]!, raw.GetValueOrDefault("crs") as int? ?? GeoJson.Wgs84, "input.location", ctx.CancellationToken);
                var input = ReadIncident(raw, location, rules, options);
                if (caller.Role == Role.PartnerOfficer)
                {
                    input = input with { Channel = IncidentChannel.PartnerReport, ReportedByService = await OwnServiceIdAsync(db, caller, ctx.CancellationToken) };
                }

                await using var tx = await WriteTransaction.BeginAsync(db, ctx, ctx.CancellationToken);
                var territory = await Territories.TerritoryDb.DistrictOfAsync(tx, location, ctx.CancellationToken);
                ctx.AuditTerritory(territory);
                caller.RequireTerritory(territory, "input.location");

                var id = await IncidentDb.CreateAsync(tx, input, caller.Name, ctx.CancellationToken);
                await tx.CommitAsync(ctx.CancellationToken);
                return (await IncidentDb.ByIdAsync(db, [id], ctx.CancellationToken))[id];
            });

        root.Field<NonNullGraphType<IncidentGraphType>>("classifyIncident")
            .Description("Classifies by origin, type and scale; records the service's own suggestion (from where the incident's zones reach) and the rule version.")
            .Argument<NonNullGraphType<IdGraphType>>("incident")
            .Argument<NonNullGraphType<OriginGraphType>>("origin")
            .Argument<NonNullGraphType<StringGraphType>>("type")
            .Argument<NonNullGraphType<ScaleGraphType>>("scale")
            .AllowRoles(Role.DutyOfficer112)
            .ResolveAsync(async ctx =>
            {
                var incident = await RequireIncidentAsync(ctx, loaders);
                var type = ctx.GetArgument<string>("type");
                if (rules.Type(type) is null)
                {
                    throw new BadUserInputException($"type must be one of the rule table's: {string.Join(", ", rules.Types.Keys)}", "type");
                }

                if (incident.Status == IncidentStatus.Closed)
                {
                    throw new DispatchException(ErrorCodes.Conflict, "a closed incident is not reclassified", "incident");
                }

                await using var tx = await WriteTransaction.BeginAsync(db, ctx, ctx.CancellationToken);
                var extent = await IncidentDb.ExtentAsync(tx, incident.Id, options.ObjectRadiusMeters, ctx.CancellationToken);
                await IncidentDb.ClassifyAsync(tx, incident, ctx.GetArgument<Origin>("origin"), type, ctx.GetArgument<Scale>("scale"), extent, rules.SuggestScale(extent),
                    rules.Version, ctx.Caller().Name, ctx.CancellationToken);
                await tx.CommitAsync(ctx.CancellationToken);
                return (await IncidentDb.ByIdAsync(db, [incident.Id], ctx.CancellationToken))[incident.Id];
            });

        root.Field<NonNullGraphType<IncidentGraphType>>("setIncidentStatus")
            .Argument<NonNullGraphType<IdGraphType>>("incident")
            .Argument<NonNullGraphType<IncidentStatusGraphType>>("status")
            .AllowRoles(Role.DutyOfficer112)
            .ResolveAsync(async ctx =>
            {
                var incident = await RequireIncidentAsync(ctx, loaders);
                await using var tx = await WriteTransaction.BeginAsync(db, ctx, ctx.CancellationToken);
                await IncidentDb.SetStatusAsync(tx, incident, ctx.GetArgument<IncidentStatus>("status"), ctx.Caller().Name, ctx.CancellationToken);
                await tx.CommitAsync(ctx.CancellationToken);
                return (await IncidentDb.ByIdAsync(db, [incident.Id], ctx.CancellationToken))[incident.Id];
            });

        root.Field<NonNullGraphType<ListGraphType<NonNullGraphType<DeploymentGraphType>>>>("dispatchUnits")
            .Description("Sends units to the incident: each must fit the incident type's profiles and be free to go; each becomes DISPATCHED with one deployment.")
            .Argument<NonNullGraphType<IdGraphType>>("incident")
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<IdGraphType>>>>("units")
            .AllowRoles(Role.DutyOfficer112)
            .ResolveAsync(async ctx =>
            {
                var incident = await RequireIncidentAsync(ctx, loaders);
                var ids = ReadIds(ctx.GetArgument<List<object>>("units"), "units");
                var chosen = await LoadUnitsAsync(ctx, units, ids);
                foreach (var (unit, i) in chosen.Select((u, i) => (u, i)))
                {
                    ctx.Caller().RequireTerritory(unit.TerritoryKato, $"units[{i}]");
                    RequireFit(rules, incident, unit, $"units[{i}]");
                }

                await using var tx = await WriteTransaction.BeginAsync(db, ctx, ctx.CancellationToken);
                var created = await DeployAsync(tx, incident, chosen, null, DateTime.UtcNow, ctx.Caller().Name, ctx.CancellationToken);
                await tx.CommitAsync(ctx.CancellationToken);
                return (await DeploymentDb.ByIdAsync(db, created, ctx.CancellationToken)).Values.OrderBy(d => d.DispatchedAt).ToList();
            });

        root.Field<NonNullGraphType<ForceRequestGraphType>>("requestForces")
            .Description("Asks a partner (police, ambulance, medical aviation) for more forces; the partner sees it as a FORCES_REQUESTED event.")
            .Argument<NonNullGraphType<IdGraphType>>("incident")
            .Argument<NonNullGraphType<IdGraphType>>("service")
            .Argument<NonNullGraphType<IntGraphType>>("personnel")
            .Argument<ListGraphType<NonNullGraphType<VehicleInputGraphType>>>("vehicles")
            .Argument<StringGraphType>("note")
            .AllowRoles(Role.DutyOfficer112)
            .ResolveAsync(async ctx =>
            {
                var incident = await RequireIncidentAsync(ctx, loaders);
                var service = await services.ServiceById(ctx, ctx.GetArgument<Guid>("service")).GetResultAsync(ctx.CancellationToken)
                    ?? throw new DispatchException(ErrorCodes.NotFound, "no such duty service", "service");
                if (!ForceProviders.Contains(service.Kind))
                {
                    throw new BadUserInputException($"{DbEnum.Text(service.Kind)} sends no forces under Rules §5.3; ask police, ambulance or medical aviation", "service");
                }

                var (personnel, vehicles) = UnitMutations.Composition(ctx.GetArgument<int>("personnel"), ctx.GetArgument<object?>("vehicles"), "");
                await using var tx = await WriteTransaction.BeginAsync(db, ctx, ctx.CancellationToken);
                var id = await DeploymentDb.RequestForcesAsync(tx, incident, service, personnel, UnitDb.VehiclesJson(vehicles), ctx.GetArgument<string?>("note"),
                    ctx.Caller().Name, ctx.CancellationToken);
                await tx.CommitAsync(ctx.CancellationToken);
                return (await DeploymentDb.RequestsByIncidentAsync(db, [incident.Id], ctx.CancellationToken))[incident.Id].Single(r => r.Id == id);
            });

        root.Field<NonNullGraphType<ForceRequestGraphType>>("acknowledgeForceRequest")
            .Argument<NonNullGraphType<IdGraphType>>("request")
            .AllowRoles(Role.PartnerOfficer)
            .ResolveAsync(async ctx => await ChangeRequestAsync(ctx, db, loaders, services, async (tx, request) =>
            {
                if (request.Status != ForceRequestStatus.Requested)
                {
                    throw new DispatchException(ErrorCodes.Conflict, $"the request is already {DbEnum.Text(request.Status)}", "request");
                }

                await DeploymentDb.SetRequestStatusAsync(tx, request.Id, ForceRequestStatus.Acknowledged, ctx.Caller().Name, ctx.CancellationToken);
                return "FORCES_ACKNOWLEDGED";
            }));

        root.Field<NonNullGraphType<ForceRequestGraphType>>("fulfilForceRequest")
            .Description("The partner sends units for its request: they become DISPATCHED deployments of the incident.")
            .Argument<NonNullGraphType<IdGraphType>>("request")
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<IdGraphType>>>>("units")
            .AllowRoles(Role.PartnerOfficer)
            .ResolveAsync(async ctx => await ChangeRequestAsync(ctx, db, loaders, services, async (tx, request) =>
            {
                if (request.Status == ForceRequestStatus.Fulfilled)
                {
                    throw new DispatchException(ErrorCodes.Conflict, "the request is already fulfilled", "request");
                }

                var incident = (await IncidentDb.ByIdAsync(db, [request.IncidentId], ctx.CancellationToken))[request.IncidentId];
                var chosen = await LoadUnitsAsync(ctx, units, ReadIds(ctx.GetArgument<List<object>>("units"), "units"));
                foreach (var (unit, i) in chosen.Select((u, i) => (u, i)))
                {
                    if (unit.ServiceId != request.ServiceId)
                    {
                        throw new ForbiddenException($"units[{i}] belongs to another service", $"units[{i}]");
                    }

                    RequireFit(rules, incident, unit, $"units[{i}]");
                }

                await DeployAsync(tx, incident, chosen, request.Id, request.RequestedAt, ctx.Caller().Name, ctx.CancellationToken);
                await DeploymentDb.SetRequestStatusAsync(tx, request.Id, ForceRequestStatus.Fulfilled, ctx.Caller().Name, ctx.CancellationToken);
                return "FORCES_SENT";
            }));

        root.Field<NonNullGraphType<DeploymentGraphType>>("reportDeployment")
            .Description("A partner's (or 112's) report on a deployment: composition sent and when it left for, arrived at and left the zone. Times must run in order; a resend is a no-op.")
            .Argument<NonNullGraphType<IdGraphType>>("deployment")
            .Argument<NonNullGraphType<DeploymentReportInputGraphType>>("report")
            .AllowRoles(Role.PartnerOfficer, Role.DutyOfficer112)
            .ResolveAsync(async ctx =>
            {
                var id = ctx.GetArgument<Guid>("deployment");
                var report = ctx.GetArgument<Dictionary<string, object?>>("report");
                var clientReportId = ((string)report["clientReportId"]!).Trim();
                if (clientReportId.Length is 0 or > 200)
                {
                    throw new BadUserInputException("clientReportId must be 1 to 200 characters", "report.clientReportId");
                }

                await using var tx = await WriteTransaction.BeginAsync(db, ctx, ctx.CancellationToken);
                var current = await DeploymentDb.LockAsync(tx, id, ctx.CancellationToken)
                    ?? throw new DispatchException(ErrorCodes.NotFound, "no such deployment", "deployment");
                var unit = await units.UnitById(ctx, current.UnitId).GetResultAsync(ctx.CancellationToken);
                var service = await services.ServiceById(ctx, unit!.ServiceId).GetResultAsync(ctx.CancellationToken);
                ctx.AuditTerritory(unit.TerritoryKato);
                UnitMutations.RequireUnitWrite(ctx.Caller(), new UnitOwner(unit.Id, unit.ServiceId, service!.Code, unit.TerritoryKato), "deployment");

                DateTime? Time(string name) => report.GetValueOrDefault(name) is DateTime t ? UnitMutations.Utc(t) : null;
                int? personnel = report.GetValueOrDefault("personnel") is { } p ? Convert.ToInt32(p, CultureInfo.InvariantCulture) : null;
                var vehicles = report.TryGetValue("vehicles", out var reportedVehicles) && reportedVehicles is not null
                    ? UnitDb.VehiclesJson(UnitMutations.Composition(personnel ?? 0, reportedVehicles, "report").Vehicles) : null;
                var (departed, arrived, left) = (Time("departedAt"), Time("arrivedAt"), Time("leftAt"));
                var duplicate = await DeploymentDb.RecordReportAsync(tx, id, clientReportId, personnel, vehicles, departed, arrived, left, ctx.Caller().Name, ctx.CancellationToken);
                if (duplicate)
                {
                    return current;
                }

                var next = current with
                {
                    DepartedAt = departed ?? current.DepartedAt,
                    ArrivedAt = arrived ?? current.ArrivedAt,
                    LeftAt = left ?? current.LeftAt,
                    Personnel = personnel ?? current.Personnel,
                    VehiclesJson = vehicles ?? current.VehiclesJson,
                };
                CheckTimes(next, options.ClockSkew);
                await DeploymentDb.UpdateAsync(tx, next, ctx.CancellationToken);
                await FollowWithUnitStatusAsync(tx, next, unit, ctx.Caller().Name, ctx.CancellationToken);
                await EventLog.AppendAsync(tx.Connection, tx.Transaction,
                    [new NewEvent("DEPLOYMENT_REPORTED", "Deployment", id.ToString(),
                        new { incidentId = current.IncidentId, deploymentId = id, unitId = unit.Id, callSign = unit.CallSign, departedAt = next.DepartedAt, arrivedAt = next.ArrivedAt,
                            leftAt = next.LeftAt, personnel = next.Personnel, clientReportId },
                        unit.Location, unit.TerritoryKato, ctx.Caller().Name)], ctx.CancellationToken);
                await tx.CommitAsync(ctx.CancellationToken);
                return next;
            });

        root.Field<NonNullGraphType<ListGraphType<NonNullGraphType<UnitGraphType>>>>("setReadiness")
            .Description("Puts a service's units on high readiness (or back to AVAILABLE) and reports their composition to 112 (Rules §5.2).")
            .Argument<NonNullGraphType<IdGraphType>>("service")
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<IdGraphType>>>>("units")
            .Argument<NonNullGraphType<UnitStatusGraphType>>("status", "HIGH_READINESS or AVAILABLE.")
            .Argument<NonNullGraphType<IntGraphType>>("personnel")
            .Argument<ListGraphType<NonNullGraphType<VehicleInputGraphType>>>("vehicles")
            .AllowRoles(Role.PartnerOfficer, Role.DutyOfficer112)
            .ResolveAsync(async ctx =>
            {
                var service = await services.ServiceById(ctx, ctx.GetArgument<Guid>("service")).GetResultAsync(ctx.CancellationToken)
                    ?? throw new DispatchException(ErrorCodes.NotFound, "no such duty service", "service");
                ctx.AuditTerritory(service.TerritoryKato);
                UnitMutations.RequireServiceWrite(ctx.Caller(), service.Id, service.Code, service.TerritoryKato);
                var status = ctx.GetArgument<UnitStatus>("status");
                if (status is not (UnitStatus.HighReadiness or UnitStatus.Available))
                {
                    throw new BadUserInputException("status is HIGH_READINESS or AVAILABLE", "status");
                }

                var chosen = await LoadUnitsAsync(ctx, units, ReadIds(ctx.GetArgument<List<object>>("units"), "units"));
                if (chosen.FirstOrDefault(u => u.ServiceId != service.Id) is { } foreign)
                {
                    throw new BadUserInputException($"unit {foreign.CallSign} belongs to another service", "units");
                }

                var (personnel, vehicles) = UnitMutations.Composition(ctx.GetArgument<int>("personnel"), ctx.GetArgument<object?>("vehicles"), "");
                await using var tx = await WriteTransaction.BeginAsync(db, ctx, ctx.CancellationToken);
                foreach (var unit in chosen.Where(u => u.Status != status))
                {
                    await MoveUnitAsync(tx, unit, status, null, ctx.Caller().Name, ctx.CancellationToken);
                }

                await SituationDb.RecordReadinessAsync(tx, service, chosen.Select(u => u.Id).ToList(), personnel, UnitDb.VehiclesJson(vehicles), ctx.Caller().Name, ctx.CancellationToken);
                await tx.CommitAsync(ctx.CancellationToken);
                return chosen.Select(u => u with { Status = status }).ToList();
            });

        root.Field<NonNullGraphType<SituationUpdateGraphType>>("sendSituationUpdate")
            .Description("Sends a situation update (radiation, chemical, biological, ecological, fire or other) to the partners of the matching profile in a territory or zone.")
            .Argument<StringGraphType>("territory")
            .Argument<IdGraphType>("zone")
            .Argument<IntGraphType>("zoneVersion")
            .Argument<IdGraphType>("incident")
            .Argument<NonNullGraphType<SituationDomainGraphType>>("domain")
            .Argument<NonNullGraphType<StringGraphType>>("text")
            .AllowRoles(Role.DutyOfficer112)
            .ResolveAsync(async ctx =>
            {
                var text = ctx.GetArgument<string>("text").Trim();
                if (text.Length is 0 or > 4000)
                {
                    throw new BadUserInputException("text must be 1 to 4000 characters", "text");
                }

                var zoneId = ctx.GetArgument<Guid?>("zone");
                var territory = ctx.GetArgument<string?>("territory");
                int? version = ctx.GetArgument<int?>("zoneVersion");
                if (zoneId is { } z)
                {
                var zones = await Zones.ZoneDb.ByIdAsync(db, [z], ctx.CancellationToken);
                    var zone = zones.TryGetValue(z, out var found) ? found : throw new DispatchException(ErrorCodes.NotFound, "no such zone", "zone");
                    territory ??= zone.TerritoryKato;
                    version ??= zone.Version;
                }

                if (territory is null)
                {
                    throw new BadUserInputException("give a territory or a zone that lies in one", "territory");
                }

                ctx.AuditTerritory(territory);
                ctx.Caller().RequireTerritory(territory, "territory");
                var domain = ctx.GetArgument<SituationDomain>("domain");
                await using var tx = await WriteTransaction.BeginAsync(db, ctx, ctx.CancellationToken);
                await ServiceMutations.RequireTerritoryExistsAsync(tx, territory, ctx.CancellationToken);
                var (id, _) = await SituationDb.SendAsync(tx, territory, zoneId, version, ctx.GetArgument<Guid?>("incident"), domain, text, rules.Recipients(domain),
                    ctx.Caller().Name, ctx.CancellationToken);
                await tx.CommitAsync(ctx.CancellationToken);
                return (await SituationDb.ListAsync(db, TerritoryScope.All, territory, null, false, 200, ctx.CancellationToken)).Single(u => u.Id == id);
            });

        root.Field<NonNullGraphType<BooleanGraphType>>("acknowledgeSituationUpdate")
            .Description("A partner confirms it received a situation update; true once acknowledged (again is a no-op).")
            .Argument<NonNullGraphType<IdGraphType>>("update")
            .AllowRoles(Role.PartnerOfficer)
            .ResolveAsync(async ctx =>
            {
                var service = await OwnServiceIdAsync(db, ctx.Caller(), ctx.CancellationToken);
                await using var tx = await WriteTransaction.BeginAsync(db, ctx, ctx.CancellationToken);
                var update = ctx.GetArgument<Guid>("update");
                if (!await SituationDb.AcknowledgeAsync(tx, update, service, ctx.Caller().Name, ctx.CancellationToken))
                {
                    await using var exists = tx.Command("SELECT 1 FROM situation_updates WHERE id = $1");
                    exists.Parameters.Add(new NpgsqlParameter { Value = update });
                    throw await exists.ExecuteScalarAsync(ctx.CancellationToken) is null
                        ? new DispatchException(ErrorCodes.NotFound, "no such situation update", "update")
                        : new ForbiddenException("the update was not sent to this service", "update");
                }

                await tx.CommitAsync(ctx.CancellationToken);
                return true;
            });
    }

    internal static async Task<Incident> RequireIncidentAsync(IResolveFieldContext ctx, IncidentLoaders loaders)
    {
        var incident = await loaders.IncidentById(ctx, ctx.GetArgument<Guid>("incident")).GetResultAsync(ctx.CancellationToken)
            ?? throw new DispatchException(ErrorCodes.NotFound, "no such incident", "incident");
        ctx.AuditTerritory(incident.TerritoryKato);
        if (!ctx.Caller().Scope.Covers(incident.TerritoryKato))
        {
            throw new ForbiddenException("the incident is outside this token's territories", "incident");
        }

        return incident;
    }

    /// <summary>The service a partner officer's token names (by code or id).</summary>
    internal static async Task<Guid> OwnServiceIdAsync(NpgsqlDataSource db, Caller caller, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT id FROM duty_services WHERE code = $1 OR id::text = $1");
        cmd.Parameters.Add(Db.Nullable(caller.ServiceId));
        return await cmd.ExecuteScalarAsync(ct) as Guid? ?? throw new ForbiddenException("the token names no known duty service");
    }

    private static async Task<ForceRequest> ChangeRequestAsync(IResolveFieldContext ctx, NpgsqlDataSource db, IncidentLoaders loaders, ServiceLoaders services,
        Func<WriteTransaction, ForceRequest, Task<string>> change)
    {
        await using var tx = await WriteTransaction.BeginAsync(db, ctx, ctx.CancellationToken);
        var request = await DeploymentDb.LockRequestAsync(tx, ctx.GetArgument<Guid>("request"), ctx.CancellationToken)
            ?? throw new DispatchException(ErrorCodes.NotFound, "no such force request", "request");
        var service = await services.ServiceById(ctx, request.ServiceId).GetResultAsync(ctx.CancellationToken);
        ctx.AuditTerritory(service!.TerritoryKato);
        if (!UnitMutations.IsOwnService(ctx.Caller(), service.Id, service.Code))
        {
            throw new ForbiddenException("the request was sent to another service", "request");
        }

        var kind = await change(tx, request);
        var incident = await loaders.IncidentById(ctx, request.IncidentId).GetResultAsync(ctx.CancellationToken);
        await EventLog.AppendAsync(tx.Connection, tx.Transaction,
            [new NewEvent(kind, "ForceRequest", request.Id.ToString(), new { incidentId = request.IncidentId, requestId = request.Id, service = service.Code },
                incident?.Location, incident?.TerritoryKato, ctx.Caller().Name)], ctx.CancellationToken);
        await tx.CommitAsync(ctx.CancellationToken);
        return (await DeploymentDb.RequestsByIncidentAsync(db, [request.IncidentId], ctx.CancellationToken))[request.IncidentId].Single(r => r.Id == request.Id);
    }

    private static async Task<List<Guid>> DeployAsync(WriteTransaction tx, Incident incident, IReadOnlyList<Unit> chosen, Guid? request, DateTime requestedAt,
        string actor, CancellationToken ct)
    {
        var created = new List<Guid>();
        foreach (var unit in chosen)
        {
            await MoveUnitAsync(tx, unit, UnitStatus.Dispatched, incident.Id, actor, ct);
            created.Add(await DeploymentDb.CreateAsync(tx, incident.Id, unit.Id, request, requestedAt, actor, ct));
        }

        if (incident.Status is IncidentStatus.Received or IncidentStatus.Classified)
        {
            await IncidentDb.SetStatusAsync(tx, incident, IncidentStatus.Responding, actor, ct);
        }

        await EventLog.AppendAsync(tx.Connection, tx.Transaction,
            [new NewEvent("UNITS_DISPATCHED", "Incident", incident.Id.ToString(),
                new { incidentId = incident.Id, deployments = created, units = chosen.Select(u => u.CallSign).ToList(), forceRequestId = request },
                incident.Location, incident.TerritoryKato, actor)], ct);
        return created;
    }

    private static async Task MoveUnitAsync(WriteTransaction tx, Unit unit, UnitStatus to, Guid? incident, string actor, CancellationToken ct)
    {
        var (from, territory, location) = await UnitDb.SetStatusAsync(tx, unit.Id, to, ct);
        await EventLog.AppendAsync(tx.Connection, tx.Transaction,
            [new NewEvent("UNIT_STATUS_CHANGED", "Unit", unit.Id.ToString(),
                new { incidentId = incident, from = DbEnum.Text(from), to = DbEnum.Text(to), callSign = unit.CallSign }, location, territory, actor)], ct);
    }

    /// <summary>The unit's status follows the reported times forward: departed → EN_ROUTE, arrived → ON_SCENE, left → LEAVING.</summary>
    private static async Task FollowWithUnitStatusAsync(WriteTransaction tx, Deployment deployment, Unit unit, string actor, CancellationToken ct)
    {
        UnitStatus[] chain = [UnitStatus.Dispatched, UnitStatus.EnRoute, UnitStatus.OnScene, UnitStatus.Leaving];
        var target = deployment.LeftAt is not null ? UnitStatus.Leaving
            : deployment.ArrivedAt is not null ? UnitStatus.OnScene
            : deployment.DepartedAt is not null ? UnitStatus.EnRoute
            : UnitStatus.Dispatched;
        UnitStatus status;
        await using (var read = tx.Command("SELECT status FROM response_units WHERE id = $1"))
        {
            read.Parameters.Add(new NpgsqlParameter { Value = unit.Id });
            status = DbEnum.Parse<UnitStatus>((string)(await read.ExecuteScalarAsync(ct))!);
        }

        var at = Array.IndexOf(chain, status);
        if (at < 0)
        {
            return; // the unit has moved on (returning, redirected): the report does not pull it back
        }

        foreach (var next in chain[(at + 1)..(Array.IndexOf(chain, target) + 1)])
        {
            await MoveUnitAsync(tx, unit with { Status = status }, next, deployment.IncidentId, actor, ct);
            status = next;
        }
    }

    /// <summary>requested ≤ dispatched ≤ departed ≤ arrived ≤ left, and nothing in the future beyond the clock skew.</summary>
    internal static void CheckTimes(Deployment d, TimeSpan skew)
    {
        var latest = DateTime.UtcNow + skew;
        (string Field, DateTime? Value)[] times = [("report.departedAt", d.DepartedAt), ("report.arrivedAt", d.ArrivedAt), ("report.leftAt", d.LeftAt)];
        foreach (var (field, value) in times)
        {
            if (value > latest)
            {
                throw new BadUserInputException($"{field} {value:O} lies in the future", field);
            }
        }

        if (d.DepartedAt < d.DispatchedAt)
        {
            throw new BadUserInputException($"report.departedAt {d.DepartedAt:O} is before the dispatch at {d.DispatchedAt:O}", "report.departedAt");
        }

        if (d.ArrivedAt is { } arrived && (d.DepartedAt is not { } departed || arrived < departed))
        {
            throw new BadUserInputException("report.arrivedAt must come after departedAt (report the departure first or together)", "report.arrivedAt");
        }

        if (d.LeftAt is { } leftAt && (d.ArrivedAt is not { } arrivedAt || leftAt < arrivedAt))
        {
            throw new BadUserInputException("report.leftAt must come after arrivedAt", "report.leftAt");
        }
    }

    private static void RequireFit(ClassificationRules rules, Incident incident, Unit unit, string argument)
    {
        var type = incident.Type ?? incident.PreliminaryType;
        if (!rules.Fits(type, unit.Profile))
        {
            throw new BadUserInputException(
                $"unit {unit.CallSign} ({DbEnum.Text(unit.Profile)}) does not fit a {type}: it needs {string.Join(", ", rules.Type(type)!.Profiles)}", argument);
        }
    }

    private static async Task<List<Unit>> LoadUnitsAsync(IResolveFieldContext ctx, UnitLoaders units, IReadOnlyList<Guid> ids)
    {
        var pending = ids.Select(id => (Id: id, Unit: units.UnitById(ctx, id))).ToList();
        var result = new List<Unit>();
        for (var i = 0; i < pending.Count; i++)
        {
            result.Add(await pending[i].Unit.GetResultAsync(ctx.CancellationToken)
                ?? throw new DispatchException(ErrorCodes.NotFound, $"units[{i}]: no such unit", $"units[{i}]"));
        }

        return result;
    }

    private static List<Guid> ReadIds(List<object> values, string argument)
    {
        var ids = values.Select(v => Guid.TryParse(v.ToString(), out var id) ? id : throw new BadUserInputException($"{argument} holds an id that is not one", argument)).ToList();
        if (ids.Count is 0 or > 50 || ids.Distinct().Count() != ids.Count)
        {
            throw new BadUserInputException($"{argument} must name 1 to 50 different units", argument);
        }

        return ids;
    }

    private static IncidentInput ReadIncident(Dictionary<string, object?> raw, Point location, ClassificationRules rules, IncidentOptions options)
    {
        var now = DateTime.UtcNow;
        var received = raw.GetValueOrDefault("receivedAt") is DateTime t ? UnitMutations.Utc(t) : now;
        if (received > now + options.ClockSkew || received < now.AddDays(-7))
        {
            throw new BadUserInputException("receivedAt must lie within the last 7 days and not in the future", "input.receivedAt");
        }

        var description = ((string)raw["description"]!).Trim();
        if (description.Length is 0 or > 4000)
        {
            throw new BadUserInputException("description must be 1 to 4000 characters", "input.description");
        }

        var type = raw.GetValueOrDefault("preliminaryType") as string;
        if (type is not null && rules.Type(type) is null)
        {
            throw new BadUserInputException($"preliminaryType must be one of: {string.Join(", ", rules.Types.Keys)}", "input.preliminaryType");
        }

        var urgency = raw.GetValueOrDefault("urgency") as int?;
        if (urgency is < 1 or > 4)
        {
            throw new BadUserInputException("urgency is 1 to 4", "input.urgency");
        }

        return new IncidentInput(received, (IncidentChannel)raw["channel"]!, raw.GetValueOrDefault("callerName") as string, raw.GetValueOrDefault("callerPhone") as string,
            null, location, raw.GetValueOrDefault("address") as string, description, type, urgency);
    }
}
