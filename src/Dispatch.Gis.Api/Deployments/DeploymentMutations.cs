using Dispatch.Gis.Auth;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Incidents;
using Dispatch.Gis.Services;
using Dispatch.Gis.Storage;
using Dispatch.Gis.Units;
using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dispatch.Gis.Deployments;

/// <summary>Rules §5.3: 112 sends units and asks partners for more; partners send theirs and report when they left, arrived and left again.</summary>
internal sealed class DeploymentMutations(NpgsqlDataSource db, IncidentLoaders incidents, DeploymentLoaders deployments, UnitLoaders units,
    ServiceLoaders services, ClassificationRules rules, IOptions<IncidentOptions> options)
{
    public const int MaxUnitsPerCall = 50;
    public const int MaxClientReportIdLength = 200;
    public const int MaxNoteLength = TextLimits.Note;
    private static readonly ServiceKind[] ForceProviders = [ServiceKind.Police, ServiceKind.Ambulance, ServiceKind.MedicalAviation];

    public void AddTo(ObjectGraphType root)
    {
        root.Field<NonNullGraphType<ListGraphType<NonNullGraphType<DeploymentGraphType>>>>("dispatchUnits")
            .Description("Sends units to the incident: each must fit the incident type's profiles and be free to go; each becomes DISPATCHED with one deployment.")
            .Argument<NonNullGraphType<IdGraphType>>("incident")
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<IdGraphType>>>>("units")
            .AllowRoles(Role.DutyOfficer112)
            .ResolveAsync(DispatchUnitsAsync);

        root.Field<NonNullGraphType<ForceRequestGraphType>>("requestForces")
            .Description("Asks a partner (police, ambulance, medical aviation) for more forces; the partner sees it as a FORCES_REQUESTED event.")
            .Argument<NonNullGraphType<IdGraphType>>("incident")
            .Argument<NonNullGraphType<IdGraphType>>("service")
            .Argument<NonNullGraphType<IntGraphType>>("personnel")
            .Argument<ListGraphType<NonNullGraphType<VehicleInputGraphType>>>("vehicles")
            .Argument<StringGraphType>("note")
            .AllowRoles(Role.DutyOfficer112)
            .ResolveAsync(RequestForcesAsync);

        root.Field<NonNullGraphType<ForceRequestGraphType>>("acknowledgeForceRequest")
            .Argument<NonNullGraphType<IdGraphType>>("request")
            .AllowRoles(Role.PartnerOfficer)
            .ResolveAsync(AcknowledgeForceRequestAsync);

        root.Field<NonNullGraphType<ForceRequestGraphType>>("fulfilForceRequest")
            .Description("The partner sends units for its request: they become DISPATCHED deployments of the incident.")
            .Argument<NonNullGraphType<IdGraphType>>("request")
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<IdGraphType>>>>("units")
            .AllowRoles(Role.PartnerOfficer)
            .ResolveAsync(FulfilForceRequestAsync);

        root.Field<NonNullGraphType<DeploymentGraphType>>("reportDeployment")
            .Description("A partner's (or 112's) report on a deployment: composition sent and when it left for, arrived at and left the zone. Times must run in order; a resend is a no-op.")
            .Argument<NonNullGraphType<IdGraphType>>("deployment")
            .Argument<NonNullGraphType<DeploymentReportInputGraphType>>("report")
            .AllowRoles(Role.PartnerOfficer, Role.DutyOfficer112)
            .ResolveAsync(ReportDeploymentAsync);
    }

    private async Task<object?> DispatchUnitsAsync(IResolveFieldContext ctx)
    {
        var incident = await incidents.RequireAsync(ctx);
        var chosen = await units.RequireAllAsync(ctx, ctx.GetIds("units", MaxUnitsPerCall), "units");
        foreach (var (unit, i) in chosen.Select((u, i) => (u, i)))
        {
            ctx.Caller().RequireTerritory(unit.TerritoryKato, $"units[{i}]");
            RequireFit(incident, unit, $"units[{i}]");
        }

        var created = await UnitOfWork.RunAsync(db, ctx.WriteOrigin(),
            w => DeploymentDb.DispatchAsync(w, incident, chosen, null, DateTime.UtcNow, ctx.CancellationToken), ctx.CancellationToken);
        return (await DeploymentDb.ByIdAsync(db, created, ctx.CancellationToken)).Values.OrderBy(d => d.DispatchedAt).ThenBy(d => d.Id).ToList();
    }

    private async Task<object?> RequestForcesAsync(IResolveFieldContext ctx)
    {
        var incident = await incidents.RequireAsync(ctx);
        var service = await services.ServiceById(ctx, ctx.GetId("service")).GetResultAsync(ctx.CancellationToken)
            ?? throw new NotFoundException("no such duty service", "service");
        if (!ForceProviders.Contains(service.Kind))
        {
            throw new BadUserInputException($"{DbEnum.Text(service.Kind)} sends no forces under Rules §5.3; ask police, ambulance or medical aviation", "service");
        }

        var composition = UnitComposition.Read(ctx.GetArgument<int>("personnel"), ctx.GetArgument<List<VehicleInput>?>("vehicles"), "");
        var note = TextInput.Optional(ctx.GetArgument<string?>("note"), "note", MaxNoteLength);
        var id = await UnitOfWork.RunAsync(db, ctx.WriteOrigin(),
            w => ForceRequestDb.RequestAsync(w, incident, service, composition, note, ctx.CancellationToken), ctx.CancellationToken);
        return await deployments.ForceRequestById(ctx, id).GetResultAsync(ctx.CancellationToken);
    }

    private async Task<object?> AcknowledgeForceRequestAsync(IResolveFieldContext ctx)
    {
        var (request, incident, service) = await RequireOwnRequestAsync(ctx);
        await UnitOfWork.RunAsync(db, ctx.WriteOrigin(), w => ForceRequestDb.AcknowledgeAsync(w, request, incident, service, ctx.CancellationToken), ctx.CancellationToken);
        return await deployments.ForceRequestById(ctx, request.Id).GetResultAsync(ctx.CancellationToken);
    }

    private async Task<object?> FulfilForceRequestAsync(IResolveFieldContext ctx)
    {
        var ids = ctx.GetIds("units", MaxUnitsPerCall);
        var (request, incident, service) = await RequireOwnRequestAsync(ctx);
        var chosen = await units.RequireAllAsync(ctx, ids, "units");
        foreach (var (unit, i) in chosen.Select((u, i) => (u, i)))
        {
            if (unit.ServiceId != request.ServiceId)
            {
                throw new ForbiddenException($"units[{i}] belongs to another service", $"units[{i}]");
            }

            RequireFit(incident, unit, $"units[{i}]");
        }

        await UnitOfWork.RunAsync(db, ctx.WriteOrigin(), w => ForceRequestDb.FulfilAsync(w, request, incident, service, chosen, ctx.CancellationToken), ctx.CancellationToken);
        return await deployments.ForceRequestById(ctx, request.Id).GetResultAsync(ctx.CancellationToken);
    }

    private async Task<object?> ReportDeploymentAsync(IResolveFieldContext ctx)
    {
        var id = ctx.GetId("deployment");
        var input = ctx.GetArgument<DeploymentReportInput>("report");
        var clientReportId = TextInput.Required(input.ClientReportId, "report.clientReportId", MaxClientReportIdLength);

        var deployment = await deployments.DeploymentById(ctx, id).GetResultAsync(ctx.CancellationToken) ?? throw new NotFoundException("no such deployment", "deployment");
        var unit = (await units.UnitById(ctx, deployment.UnitId).GetResultAsync(ctx.CancellationToken))!;
        var service = (await services.ServiceById(ctx, unit.ServiceId).GetResultAsync(ctx.CancellationToken))!;
        ctx.AuditTerritory(unit.TerritoryKato);
        UnitAccess.RequireUnitWrite(ctx.Caller(), new UnitOwner(unit.Id, unit.ServiceId, service.Code, unit.TerritoryKato), "deployment");

        var composition = UnitComposition.Read(input.Personnel ?? 0, input.Vehicles, "report");
        var report = new DeploymentReport(clientReportId, input.Personnel, input.Vehicles is null ? null : composition.Vehicles, Times.Utc(input.DepartedAt), Times.Utc(input.ArrivedAt), Times.Utc(input.LeftAt));
        return await UnitOfWork.RunAsync(db, ctx.WriteOrigin(),
            w => DeploymentDb.ReportAsync(w, id, unit, report, options.Value.ClockSkew, ctx.CancellationToken), ctx.CancellationToken);
    }

    /// <summary>The request, its incident and service, when the request was sent to the caller's own service.</summary>
    private async Task<(ForceRequest Request, Incident Incident, DutyService Service)> RequireOwnRequestAsync(IResolveFieldContext ctx)
    {
        var request = await deployments.ForceRequestById(ctx, ctx.GetId("request")).GetResultAsync(ctx.CancellationToken)
            ?? throw new NotFoundException("no such force request", "request");
        var service = (await services.ServiceById(ctx, request.ServiceId).GetResultAsync(ctx.CancellationToken))!;
        ctx.AuditTerritory(service.TerritoryKato);
        if (!UnitAccess.IsOwnService(ctx.Caller(), service.Id, service.Code))
        {
            throw new ForbiddenException("the request was sent to another service", "request");
        }

        var incident = (await incidents.IncidentById(ctx, request.IncidentId).GetResultAsync(ctx.CancellationToken))!;
        return (request, incident, service);
    }

    private void RequireFit(Incident incident, Unit unit, string argument)
    {
        var type = incident.Type ?? incident.PreliminaryType;
        if (!rules.Fits(type, unit.Profile))
        {
            throw new BadUserInputException(
                $"unit {unit.CallSign} ({DbEnum.Text(unit.Profile)}) does not fit a {type}: it needs {string.Join(", ", rules.Type(type)!.Profiles)}", argument);
        }
    }
}
