using Dispatch.Gis.Events;
using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Services;
using Dispatch.Gis.Units;
using Dispatch.Gis.Zones;
using GraphQL;
using GraphQL.Types;

namespace Dispatch.Gis.Incidents;

internal sealed class IncidentChannelGraphType : EnumerationGraphType<IncidentChannel> { public IncidentChannelGraphType() => Name = "IncidentChannel"; }

internal sealed class IncidentStatusGraphType : EnumerationGraphType<IncidentStatus> { public IncidentStatusGraphType() => Name = "IncidentStatus"; }

internal sealed class OriginGraphType : EnumerationGraphType<Origin> { public OriginGraphType() => Name = "Origin"; }

internal sealed class ScaleGraphType : EnumerationGraphType<Scale> { public ScaleGraphType() => Name = "Scale"; }

internal sealed class ZoneExtentGraphType : EnumerationGraphType<ZoneExtent> { public ZoneExtentGraphType() => Name = "ZoneExtent"; }

internal sealed class IncidentGraphType : ObjectGraphType<Incident>
{
    public IncidentGraphType(IncidentLoaders loaders, Deployments.DeploymentLoaders deployments, ServiceLoaders services, ZoneLoaders zones)
    {
        Name = "Incident";
        Description = "The 112 card.";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field(x => x.Number).Description("Running number officers use on the radio.");
        Field<NonNullGraphType<DateTimeGraphType>>("receivedAt").Resolve(ctx => ctx.Source.ReceivedAt);
        Field<NonNullGraphType<IncidentChannelGraphType>>("channel").Resolve(ctx => ctx.Source.Channel);
        Field(x => x.CallerName, nullable: true);
        Field(x => x.CallerPhone, nullable: true);
        Field<DutyServiceGraphType>("reportedByService").Resolve(ctx => ctx.Source.ReportedByService is { } s ? services.ServiceById(ctx, s) : null);
        Field<NonNullGraphType<GeometryGraphType>>("location").Resolve(ctx => ctx.Source.Location);
        Field(x => x.Address, nullable: true);
        Field(x => x.TerritoryKato, nullable: true).Description("The district containing the location.");
        Field(x => x.Description);
        Field(x => x.PreliminaryType, nullable: true);
        Field(x => x.Urgency, nullable: true);
        Field<NonNullGraphType<IncidentStatusGraphType>>("status").Resolve(ctx => ctx.Source.Status);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<IncidentStatusGraphType>>>>("allowedNextStatuses").Resolve(ctx => IncidentTransitions.From(ctx.Source.Status));
        Field<OriginGraphType>("origin").Resolve(ctx => ctx.Source.Origin);
        Field(x => x.Type, nullable: true);
        Field<ScaleGraphType>("scale").Description("The officer's classification.").Resolve(ctx => ctx.Source.Scale);
        Field<ScaleGraphType>("suggestedScale").Description("What the rule table suggested for the zone extent.").Resolve(ctx => ctx.Source.SuggestedScale);
        Field<ZoneExtentGraphType>("zoneExtent").Resolve(ctx => ctx.Source.ZoneExtent);
        Field(x => x.RuleVersion, nullable: true);
        Field(x => x.ClassifiedBy, nullable: true);
        Field<DateTimeGraphType>("classifiedAt").Resolve(ctx => ctx.Source.ClassifiedAt);
        Field(x => x.CreatedBy);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<Deployments.DeploymentGraphType>>>>("deployments").Resolve(ctx => deployments.DeploymentsByIncidentId(ctx, ctx.Source.Id));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<Deployments.ForceRequestGraphType>>>>("forceRequests").Resolve(ctx => deployments.ForceRequestsByIncidentId(ctx, ctx.Source.Id));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ZoneGraphType>>>>("zones").Resolve(ctx => zones.ZonesByIncidentId(ctx, ctx.Source.Id));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<EventGraphType>>>>("timeline").Description("Every event about the incident, in order, with who and when.")
            .Costing(Costs.Scan)
            .Resolve(ctx => loaders.TimelineByIncidentId(ctx, ctx.Source.Id));
    }
}

internal sealed class IncidentConnectionGraphType() : ConnectionGraphType<Incident, IncidentGraphType>("Incident");

