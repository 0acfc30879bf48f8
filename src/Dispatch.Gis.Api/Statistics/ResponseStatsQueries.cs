using Dispatch.Gis.Auth;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Incidents;
using Dispatch.Gis.Units;
using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dispatch.Gis.Statistics;

internal sealed class ResponseStatsQueries(NpgsqlDataSource db, IOptions<IncidentOptions> options)
{
    public void AddTo(ObjectGraphType root)
    {
        root.Field<NonNullGraphType<ResponseStatsGraphType>>("responseStats")
            .Description("Response times of deployments for incidents received in [from, to], against the configured arrival norms.")
            .Argument<StringGraphType>("territory")
            .Argument<NonNullGraphType<DateTimeGraphType>>("from")
            .Argument<NonNullGraphType<DateTimeGraphType>>("to")
            .Argument<UnitProfileGraphType>("profile")
            .AllowRoles(Role.DutyOfficer112, Role.Admin, Role.PartnerOfficer)
            .ResolveAsync(ResponseStatsAsync);
    }

    private async Task<object?> ResponseStatsAsync(IResolveFieldContext ctx)
    {
        var from = Times.Utc(ctx.GetArgument<DateTime>("from"));
        var to = Times.Utc(ctx.GetArgument<DateTime>("to"));
        if (from > to)
        {
            throw new BadUserInputException("from must not be after to", "from");
        }

        return await ResponseStatsDb.ComputeAsync(db, ctx.Caller().Scope, ctx.GetArgument<string?>("territory"), from, to,
            ctx.GetArgument<UnitProfile?>("profile"), options.Value, ctx.CancellationToken);
    }
}
