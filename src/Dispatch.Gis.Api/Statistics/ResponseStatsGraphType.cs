using GraphQL.Types;

namespace Dispatch.Gis.Statistics;

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
