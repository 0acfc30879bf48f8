using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using GraphQL.Types;

namespace Dispatch.Gis.Events;

internal sealed class EventGraphType : ObjectGraphType<StoredEvent>
{
    public EventGraphType()
    {
        Name = "Event";
        Description = "A change of state, as recorded in the event log. Ids grow in commit order: pass the last one you saw as `after` to resume.";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Field(x => x.Kind).Description("What happened, e.g. REGIME_DECLARED.");
        Field(x => x.EntityType).Description("The kind of thing that changed, e.g. Territory.");
        Field(x => x.EntityId).Description("Its id.");
        Field<NonNullGraphType<JsonGraphType>>("payload").Resolve(ctx => ctx.Source.Payload);
        Field<GeometryGraphType>("geometry").Description("Where, when the change has a place.").Resolve(ctx => ctx.Source.Geometry);
        Field(x => x.TerritoryKato, nullable: true).Description("The territory the change belongs to.");
        Field(x => x.Actor, nullable: true).Description("Who made the change.");
        Field<NonNullGraphType<DateTimeGraphType>>("occurredAt").Resolve(ctx => ctx.Source.OccurredAt);
    }
}
