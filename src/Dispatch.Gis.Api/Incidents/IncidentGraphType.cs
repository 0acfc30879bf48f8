using Dispatch.Gis.Events;
using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Services;
using Dispatch.Gis.Units;
using Dispatch.Gis.Zones;
using GraphQL;
using GraphQL.DataLoader;
using GraphQL.Types;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dispatch.Gis.Incidents;

internal sealed class IncidentChannelGraphType : EnumerationGraphType<IncidentChannel> { public IncidentChannelGraphType() => Name = "IncidentChannel"; }

internal sealed class IncidentStatusGraphType : EnumerationGraphType<IncidentStatus> { public IncidentStatusGraphType() => Name = "IncidentStatus"; }

internal sealed class OriginGraphType : EnumerationGraphType<Origin> { public OriginGraphType() => Name = "Origin"; }

internal sealed class ScaleGraphType : EnumerationGraphType<Scale> { public ScaleGraphType() => Name = "Scale"; }

internal sealed class ZoneExtentGraphType : EnumerationGraphType<ZoneExtent> { public ZoneExtentGraphType() => Name = "ZoneExtent"; }

internal sealed class SituationDomainGraphType : EnumerationGraphType<SituationDomain> { public SituationDomainGraphType() => Name = "SituationDomain"; }

internal sealed class ForceRequestStatusGraphType : EnumerationGraphType<ForceRequestStatus> { public ForceRequestStatusGraphType() => Name = "ForceRequestStatus"; }

internal sealed class IncidentLoaders(NpgsqlDataSource db, IOptions<IncidentOptions> options)
{
    public IDataLoaderResult<Incident?> IncidentById(IResolveFieldContext ctx, Guid id) =>
        RequestLoaders.Of(ctx).Get<Guid, Incident?>("IncidentById",
            async (keys, ct) => (await IncidentDb.ByIdAsync(db, keys, ct)).ToDictionary(p => p.Key, p => (Incident?)p.Value), null).Load(id);

    public IDataLoaderResult<IReadOnlyList<Deployment>> DeploymentsByIncidentId(IResolveFieldContext ctx, Guid id) =>
        RequestLoaders.Of(ctx).Get<Guid, IReadOnlyList<Deployment>>("DeploymentsByIncidentId", (keys, ct) => DeploymentDb.ByIncidentAsync(db, keys, ct), []).Load(id);

    public IDataLoaderResult<Deployment?> DeploymentById(IResolveFieldContext ctx, Guid id) =>
        RequestLoaders.Of(ctx).Get<Guid, Deployment?>("DeploymentById",
            async (keys, ct) => (await DeploymentDb.ByIdAsync(db, keys, ct)).ToDictionary(p => p.Key, p => (Deployment?)p.Value), null).Load(id);

    public IDataLoaderResult<AvlCheck?> AvlCheckByDeploymentId(IResolveFieldContext ctx, Guid id) =>
        RequestLoaders.Of(ctx).Get<Guid, AvlCheck?>("AvlCheckByDeploymentId",
            async (keys, ct) => (await DeploymentDb.AvlChecksAsync(db, keys, options.Value, ct)).ToDictionary(p => p.Key, p => (AvlCheck?)p.Value), null).Load(id);

    public IDataLoaderResult<IReadOnlyList<ForceRequest>> ForceRequestsByIncidentId(IResolveFieldContext ctx, Guid id) =>
        RequestLoaders.Of(ctx).Get<Guid, IReadOnlyList<ForceRequest>>("ForceRequestsByIncidentId", (keys, ct) => DeploymentDb.RequestsByIncidentAsync(db, keys, ct), []).Load(id);

    public IDataLoaderResult<IReadOnlyList<StoredEvent>> TimelineByIncidentId(IResolveFieldContext ctx, Guid id) =>
        RequestLoaders.Of(ctx).Get<Guid, IReadOnlyList<StoredEvent>>("TimelineByIncidentId", (keys, ct) => IncidentDb.TimelineAsync(db, keys, ct), []).Load(id);

    public IDataLoaderResult<IReadOnlyList<SituationRecipient>> RecipientsByUpdateId(IResolveFieldContext ctx, Guid id) =>
        RequestLoaders.Of(ctx).Get<Guid, IReadOnlyList<SituationRecipient>>("RecipientsByUpdateId", (keys, ct) => SituationDb.RecipientsAsync(db, keys, ct), []).Load(id);
}

internal sealed class AvlCheckGraphType : ObjectGraphType<AvlCheck>
{
    public AvlCheckGraphType()
    {
        Name = "AvlCheck";
        Description = "The reported arrival against the unit's own track.";
        Field(x => x.FixesInWindow).Description("Fixes from dispatch until the unit left.");
        Field<DateTimeGraphType>("firstInsideAt").Description("When the track first entered the incident's zones (or came within the arrival radius).")
            .Resolve(ctx => ctx.Source.FirstInsideAt);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("flags")
            .Description("NO_AVL_DATA, ARRIVAL_NOT_IN_TRACK, TRACK_ARRIVED_EARLIER, TRACK_ARRIVED_LATER; empty when they agree.").Resolve(ctx => ctx.Source.Flags);
    }
}

internal sealed class DeploymentGraphType : ObjectGraphType<Deployment>
{
    public DeploymentGraphType(IncidentLoaders loaders, UnitLoaders units)
    {
        Name = "Deployment";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field<NonNullGraphType<IdGraphType>>("incidentId").Resolve(ctx => ctx.Source.IncidentId);
        Field<NonNullGraphType<UnitGraphType>>("unit").Resolve(ctx => units.UnitById(ctx, ctx.Source.UnitId));
        Field<IdGraphType>("forceRequestId").Resolve(ctx => ctx.Source.ForceRequestId);
        Field<NonNullGraphType<DateTimeGraphType>>("requestedAt").Resolve(ctx => ctx.Source.RequestedAt);
        Field<NonNullGraphType<DateTimeGraphType>>("dispatchedAt").Resolve(ctx => ctx.Source.DispatchedAt);
        Field<DateTimeGraphType>("departedAt").Description("Left for the zone.").Resolve(ctx => ctx.Source.DepartedAt);
        Field<DateTimeGraphType>("arrivedAt").Description("Arrived at the zone.").Resolve(ctx => ctx.Source.ArrivedAt);
        Field<DateTimeGraphType>("leftAt").Description("Left the zone.").Resolve(ctx => ctx.Source.LeftAt);
        Field<IntGraphType>("personnel").Description("Reported composition: people.").Resolve(ctx => ctx.Source.Personnel);
        Field<JsonGraphType>("vehicles").Description("Reported composition: [{type, count}].")
            .Resolve(ctx => ctx.Source.VehiclesJson is { } json ? System.Text.Json.JsonDocument.Parse(json).RootElement : (object?)null);
        Field(x => x.DispatchedBy);
        Field<NonNullGraphType<AvlCheckGraphType>>("avlCheck").Resolve(ctx => loaders.AvlCheckByDeploymentId(ctx, ctx.Source.Id));
    }
}

internal sealed class ForceRequestGraphType : ObjectGraphType<ForceRequest>
{
    public ForceRequestGraphType(ServiceLoaders services)
    {
        Name = "ForceRequest";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field<NonNullGraphType<IdGraphType>>("incidentId").Resolve(ctx => ctx.Source.IncidentId);
        Field<NonNullGraphType<DutyServiceGraphType>>("service").Resolve(ctx => services.ServiceById(ctx, ctx.Source.ServiceId));
        Field(x => x.Personnel);
        Field<NonNullGraphType<JsonGraphType>>("vehicles").Resolve(ctx => System.Text.Json.JsonDocument.Parse(ctx.Source.VehiclesJson).RootElement);
        Field(x => x.Note, nullable: true);
        Field<NonNullGraphType<ForceRequestStatusGraphType>>("status").Resolve(ctx => ctx.Source.Status);
        Field(x => x.RequestedBy);
        Field<NonNullGraphType<DateTimeGraphType>>("requestedAt").Resolve(ctx => ctx.Source.RequestedAt);
        Field(x => x.AcknowledgedBy, nullable: true);
        Field<DateTimeGraphType>("acknowledgedAt").Resolve(ctx => ctx.Source.AcknowledgedAt);
        Field<DateTimeGraphType>("fulfilledAt").Resolve(ctx => ctx.Source.FulfilledAt);
    }
}

internal sealed class UnitSuggestionGraphType : ObjectGraphType<UnitSuggestion>
{
    public UnitSuggestionGraphType()
    {
        Name = "UnitSuggestion";
        Field<NonNullGraphType<UnitGraphType>>("unit").Resolve(ctx => ctx.Source.Unit);
        Field(x => x.DistanceMeters).Description("Straight line, on the WGS 84 spheroid.");
        Field(x => x.EtaMinutes).Description("Estimated arrival: distance × road factor ÷ the profile's configured speed.");
    }
}

internal sealed class IncidentGraphType : ObjectGraphType<Incident>
{
    public IncidentGraphType(IncidentLoaders loaders, ServiceLoaders services, ZoneLoaders zones)
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
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<DeploymentGraphType>>>>("deployments").Resolve(ctx => loaders.DeploymentsByIncidentId(ctx, ctx.Source.Id));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ForceRequestGraphType>>>>("forceRequests").Resolve(ctx => loaders.ForceRequestsByIncidentId(ctx, ctx.Source.Id));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ZoneGraphType>>>>("zones").Resolve(ctx => zones.ZonesByIncidentId(ctx, ctx.Source.Id));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<EventGraphType>>>>("timeline").Description("Every event about the incident, in order, with who and when.")
            .Resolve(ctx => loaders.TimelineByIncidentId(ctx, ctx.Source.Id));
    }
}

internal sealed class IncidentConnectionGraphType() : ConnectionGraphType<Incident, IncidentGraphType>("Incident");

internal sealed class SituationRecipientGraphType : ObjectGraphType<SituationRecipient>
{
    public SituationRecipientGraphType(ServiceLoaders services)
    {
        Name = "SituationRecipient";
        Field<NonNullGraphType<DutyServiceGraphType>>("service").Resolve(ctx => services.ServiceById(ctx, ctx.Source.ServiceId));
        Field(x => x.AcknowledgedBy, nullable: true);
        Field<DateTimeGraphType>("acknowledgedAt").Resolve(ctx => ctx.Source.AcknowledgedAt);
    }
}

internal sealed class SituationUpdateGraphType : ObjectGraphType<SituationUpdate>
{
    public SituationUpdateGraphType(IncidentLoaders loaders)
    {
        Name = "SituationUpdate";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field(x => x.TerritoryKato);
        Field<IdGraphType>("zoneId").Resolve(ctx => ctx.Source.ZoneId);
        Field(x => x.ZoneVersion, nullable: true);
        Field<IdGraphType>("incidentId").Resolve(ctx => ctx.Source.IncidentId);
        Field<NonNullGraphType<SituationDomainGraphType>>("domain").Resolve(ctx => ctx.Source.Domain);
        Field(x => x.Text);
        Field(x => x.SentBy);
        Field<NonNullGraphType<DateTimeGraphType>>("sentAt").Resolve(ctx => ctx.Source.SentAt);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<SituationRecipientGraphType>>>>("recipients").Resolve(ctx => loaders.RecipientsByUpdateId(ctx, ctx.Source.Id));
    }
}

internal sealed class IntervalStatsGraphType : ObjectGraphType<IntervalStats>
{
    public IntervalStatsGraphType()
    {
        Name = "IntervalStats";
        Field(x => x.Count);
        Field(x => x.AverageSeconds, nullable: true);
        Field(x => x.MedianSeconds, nullable: true);
    }
}

internal sealed class ResponseStatsGraphType : ObjectGraphType<ResponseStats>
{
    public ResponseStatsGraphType()
    {
        Name = "ResponseStats";
        Field(x => x.Deployments);
        Field<NonNullGraphType<IntervalStatsGraphType>>("receivedToDispatched").Resolve(ctx => ctx.Source.ReceivedToDispatched);
        Field<NonNullGraphType<IntervalStatsGraphType>>("dispatchedToArrived").Resolve(ctx => ctx.Source.DispatchedToArrived);
        Field<NonNullGraphType<IntervalStatsGraphType>>("receivedToArrived").Resolve(ctx => ctx.Source.ReceivedToArrived);
        Field(x => x.WithinNorm, nullable: true).Description("Arrivals within the profile's norm for the incident's urgency (counted from the call).");
        Field(x => x.ShareWithinNorm, nullable: true);
    }
}
