using Dispatch.Gis.GraphQL;
using GraphQL.Types;

namespace Dispatch.Gis.Scheduling;

internal sealed class JobOutcomeGraphType : EnumerationGraphType<JobOutcome>
{
    public JobOutcomeGraphType() => Name = "JobOutcome";
}

internal sealed class JobRunGraphType : ObjectGraphType<JobRun>
{
    public JobRunGraphType()
    {
        Name = "JobRun";
        Description = "One run of a scheduled job: which instance ran it, when, how it ended and what it did.";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field(x => x.Job);
        Field(x => x.Instance).Description("The scheduler instance (cluster node) that ran it.");
        Field<DateTimeGraphType>("scheduledFor").Resolve(ctx => ctx.Source.ScheduledFor);
        Field<NonNullGraphType<DateTimeGraphType>>("startedAt").Resolve(ctx => ctx.Source.StartedAt);
        Field<DateTimeGraphType>("endedAt").Resolve(ctx => ctx.Source.EndedAt);
        Field<NonNullGraphType<JobOutcomeGraphType>>("outcome").Resolve(ctx => ctx.Source.Outcome);
        Field(x => x.Rows, nullable: true).Description("What it wrote (or, for a watch, what it looked at).");
        Field(x => x.Detail, nullable: true);
        Field(x => x.Error, nullable: true);
        Field(x => x.Recovering).Description("A rerun of a run interrupted when its instance died.");
    }
}

internal sealed class JobRunConnectionGraphType() : ConnectionGraphType<JobRun, JobRunGraphType>("JobRun");

internal sealed record ScheduledJob(string Name, string Description, TimeSpan Interval, DateTime? NextFireAt, DateTime? PreviousFireAt, string State);

internal sealed class ScheduledJobGraphType : ObjectGraphType<ScheduledJob>
{
    public ScheduledJobGraphType()
    {
        Name = "ScheduledJob";
        Field(x => x.Name);
        Field(x => x.Description);
        Field<NonNullGraphType<FloatGraphType>>("intervalSeconds").Resolve(ctx => ctx.Source.Interval.TotalSeconds);
        Field<DateTimeGraphType>("nextFireAt").Resolve(ctx => ctx.Source.NextFireAt);
        Field<DateTimeGraphType>("previousFireAt").Resolve(ctx => ctx.Source.PreviousFireAt);
        Field(x => x.State).Description("The trigger's state in the cluster's scheduler (NORMAL, PAUSED, BLOCKED while running, ERROR…).");
    }
}
