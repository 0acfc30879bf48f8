using Dispatch.Gis.Auth;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Incidents;
using Dispatch.Gis.Units;
using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dispatch.Gis.Deployments;

internal sealed class DeploymentQueries(NpgsqlDataSource db, IncidentLoaders incidents, IOptions<IncidentOptions> options)
{
    public const int MaxSuggestions = 50;

    public void AddTo(ObjectGraphType root)
    {
        root.Field<NonNullGraphType<ListGraphType<NonNullGraphType<UnitSuggestionGraphType>>>>("suggestUnits")
            .Description("The nearest units of a profile free to go (AVAILABLE or HIGH_READINESS, not deployed), with distance and estimated arrival.")
            .Argument<NonNullGraphType<IdGraphType>>("incident")
            .Argument<NonNullGraphType<UnitProfileGraphType>>("profile")
            .Argument<IntGraphType>("count", "Default 5.")
            .AllowRoles(Role.DutyOfficer112)
            .ResolveAsync(SuggestUnitsAsync);
    }

    private async Task<object?> SuggestUnitsAsync(IResolveFieldContext ctx)
    {
        var count = ctx.GetArgument<int?>("count") ?? 5;
        if (count is < 1 or > MaxSuggestions)
        {
            throw new BadUserInputException($"count must be 1 to {MaxSuggestions}", "count");
        }

        var incident = await incidents.RequireAsync(ctx);
        return await SuggestionDb.SuggestAsync(db, incident.Location, ctx.GetArgument<UnitProfile>("profile"), count, options.Value, ctx.CancellationToken);
    }
}
