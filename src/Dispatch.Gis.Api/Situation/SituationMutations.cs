using Dispatch.Gis.Auth;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Incidents;
using Dispatch.Gis.Services;
using Dispatch.Gis.Storage;
using Dispatch.Gis.Territories;
using Dispatch.Gis.Units;
using Dispatch.Gis.Zones;
using GraphQL;
using GraphQL.Types;
using Npgsql;

namespace Dispatch.Gis.Situation;

/// <summary>Rules §5.2: 112 tells the partners of the matching profile about the situation; partners report their readiness.</summary>
internal sealed class SituationMutations(NpgsqlDataSource db, SituationLoaders loaders, ZoneLoaders zones, IncidentLoaders incidents, UnitLoaders units,
    ServiceLoaders services, TerritoryLoaders territories, ClassificationRules rules)
{
    public const int MaxTextLength = TextLimits.LongText;
    public const int MaxUnitsPerCall = 200;

    public void AddTo(ObjectGraphType root)
    {
        root.Field<NonNullGraphType<ListGraphType<NonNullGraphType<UnitGraphType>>>>("setReadiness")
            .Description("Puts a service's units on high readiness (or back to AVAILABLE) and reports their composition to 112 (Rules §5.2).")
            .Argument<NonNullGraphType<IdGraphType>>("service")
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<IdGraphType>>>>("units")
            .Argument<NonNullGraphType<UnitStatusGraphType>>("status", "HIGH_READINESS or AVAILABLE.")
            .Argument<NonNullGraphType<IntGraphType>>("personnel")
            .Argument<ListGraphType<NonNullGraphType<VehicleInputGraphType>>>("vehicles")
            .AllowRoles(Role.PartnerOfficer, Role.DutyOfficer112)
            .ResolveAsync(SetReadinessAsync);

        root.Field<NonNullGraphType<SituationUpdateGraphType>>("sendSituationUpdate")
            .Description("Sends a situation update (radiation, chemical, biological, ecological, fire or other) to the partners of the matching profile in a territory or zone.")
            .Argument<StringGraphType>("territory")
            .Argument<IdGraphType>("zone")
            .Argument<IntGraphType>("zoneVersion")
            .Argument<IdGraphType>("incident")
            .Argument<NonNullGraphType<SituationDomainGraphType>>("domain")
            .Argument<NonNullGraphType<StringGraphType>>("text")
            .AllowRoles(Role.DutyOfficer112)
            .ResolveAsync(SendSituationUpdateAsync);

        root.Field<NonNullGraphType<BooleanGraphType>>("acknowledgeSituationUpdate")
            .Description("A partner confirms it received a situation update; true once acknowledged (again is a no-op).")
            .Argument<NonNullGraphType<IdGraphType>>("update")
            .AllowRoles(Role.PartnerOfficer)
            .ResolveAsync(AcknowledgeSituationUpdateAsync);
    }

    private async Task<object?> SetReadinessAsync(IResolveFieldContext ctx)
    {
        var service = await services.ServiceById(ctx, ctx.GetId("service")).GetResultAsync(ctx.CancellationToken)
            ?? throw new NotFoundException("no such duty service", "service");
        ctx.AuditTerritory(service.TerritoryKato);
        UnitAccess.RequireServiceWrite(ctx.Caller(), service.Id, service.Code, service.TerritoryKato);
        var status = ctx.GetArgument<UnitStatus>("status");
        if (status is not (UnitStatus.HighReadiness or UnitStatus.Available))
        {
            throw new BadUserInputException("status is HIGH_READINESS or AVAILABLE", "status");
        }

        var chosen = await units.RequireAllAsync(ctx, ctx.GetIds("units", MaxUnitsPerCall), "units");
        if (chosen.FindIndex(u => u.ServiceId != service.Id) is var foreign and >= 0)
        {
            throw new BadUserInputException($"unit {chosen[foreign].CallSign} belongs to another service", $"units[{foreign}]");
        }

        var composition = UnitComposition.Read(ctx.GetArgument<int>("personnel"), ctx.GetArgument<List<VehicleInput>?>("vehicles"), "");
        await UnitOfWork.RunAsync(db, ctx.WriteOrigin(), w => ReadinessDb.RecordAsync(w, service, chosen, status, composition, ctx.CancellationToken), ctx.CancellationToken);
        var reloaded = chosen.Select(u => units.UnitById(ctx, u.Id)).ToList();
        var result = new List<Unit>(reloaded.Count);
        foreach (var unit in reloaded)
        {
            result.Add((await unit.GetResultAsync(ctx.CancellationToken))!);
        }

        return result;
    }

    private async Task<object?> SendSituationUpdateAsync(IResolveFieldContext ctx)
    {
        var text = TextInput.Required(ctx.GetArgument<string>("text"), "text", MaxTextLength, multiline: true);
        var zoneId = ctx.GetOptionalId("zone");
        var incidentId = ctx.GetOptionalId("incident");
        var territory = ctx.GetArgument<string?>("territory");
        var version = ctx.GetArgument<int?>("zoneVersion");
        if (zoneId is { } z)
        {
            var zone = await zones.ZoneById(ctx, z).GetResultAsync(ctx.CancellationToken) ?? throw new NotFoundException("no such zone", "zone");
            ctx.Caller().RequireTerritory(zone.TerritoryKato, "zone");
            territory ??= zone.TerritoryKato;
            if (version is < 1 || version > zone.Version)
            {
                throw new BadUserInputException($"zoneVersion must be 1 to {zone.Version}, the zone's versions", "zoneVersion");
            }

            version ??= zone.Version;
        }
        else if (version is not null)
        {
            throw new BadUserInputException("zoneVersion needs a zone", "zoneVersion");
        }

        if (incidentId is { } i)
        {
            var incident = await incidents.IncidentById(ctx, i).GetResultAsync(ctx.CancellationToken) ?? throw new NotFoundException("no such incident", "incident");
            ctx.Caller().RequireTerritory(incident.TerritoryKato, "incident");
        }

        if (territory is null)
        {
            throw new BadUserInputException("give a territory or a zone that lies in one", "territory");
        }

        ctx.AuditTerritory(territory);
        ctx.Caller().RequireTerritory(territory, "territory");
        await territories.RequireAsync(ctx, territory, "territory");
        var domain = ctx.GetArgument<SituationDomain>("domain");
        var (id, _) = await UnitOfWork.RunAsync(db, ctx.WriteOrigin(),
            w => SituationDb.SendAsync(w, territory, zoneId, version, incidentId, domain, text, rules.Recipients(domain), ctx.CancellationToken), ctx.CancellationToken);
        return await loaders.UpdateById(ctx, id).GetResultAsync(ctx.CancellationToken);
    }

    private async Task<object?> AcknowledgeSituationUpdateAsync(IResolveFieldContext ctx)
    {
        var update = ctx.GetId("update");
        var serviceId = await OwnService.IdAsync(db, ctx.Caller(), ctx.CancellationToken);
        var service = (await services.ServiceById(ctx, serviceId).GetResultAsync(ctx.CancellationToken))!;
        ctx.AuditTerritory(service.TerritoryKato);
        await UnitOfWork.RunAsync(db, ctx.WriteOrigin(), w => SituationDb.AcknowledgeAsync(w, update, service, ctx.CancellationToken), ctx.CancellationToken);
        return true;
    }
}
