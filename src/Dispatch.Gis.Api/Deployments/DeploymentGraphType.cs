using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Services;
using Dispatch.Gis.Units;
using GraphQL.Types;

namespace Dispatch.Gis.Deployments;

internal sealed class ForceRequestStatusGraphType : EnumerationGraphType<ForceRequestStatus>
{
    public ForceRequestStatusGraphType() => Name = "ForceRequestStatus";
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
    public DeploymentGraphType(DeploymentLoaders loaders, UnitLoaders units)
    {
        Name = "Deployment";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field<NonNullGraphType<IdGraphType>>("incidentId").Resolve(ctx => ctx.Source.IncidentId);
        Field<UnitGraphType>("unit").Description("The unit; null when its territory is outside your scope.").Resolve(ctx => units.UnitById(ctx, ctx.Source.UnitId));
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
        Field<NonNullGraphType<AvlCheckGraphType>>("avlCheck").Costing(Costs.Scan).Resolve(ctx => loaders.AvlCheckByDeploymentId(ctx, ctx.Source.Id));
    }
}

internal sealed class ForceRequestGraphType : ObjectGraphType<ForceRequest>
{
    public ForceRequestGraphType(ServiceLoaders services)
    {
        Name = "ForceRequest";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field<NonNullGraphType<IdGraphType>>("incidentId").Resolve(ctx => ctx.Source.IncidentId);
        Field<DutyServiceGraphType>("service").Description("The duty-dispatch service; null when its territory is outside your scope.").Resolve(ctx => services.ServiceById(ctx, ctx.Source.ServiceId));
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
        Field<UnitGraphType>("unit").Description("The unit; null when its territory is outside your scope.").Resolve(ctx => ctx.Source.Unit);
        Field(x => x.DistanceMeters).Description("Straight line, on the WGS 84 spheroid.");
        Field(x => x.EtaMinutes).Description("Estimated arrival: distance × road factor ÷ the profile's configured speed.");
    }
}
