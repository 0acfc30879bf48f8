using Dispatch.Gis.Auth;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Storage;
using GraphQL;
using GraphQL.Types;
using Npgsql;

namespace Dispatch.Gis.Regimes;

internal sealed class RegimeMutations(NpgsqlDataSource db)
{
    public const int MaxBasisLength = TextLimits.Note;

    public void AddTo(ObjectGraphType root)
    {
        root.Field<NonNullGraphType<RegimeDeclarationGraphType>>("declareRegime")
            .Description("Declares the regime of a territory from now on; the previous declaration is closed and kept in the history.")
            .Argument<NonNullGraphType<StringGraphType>>("territory", "KATO code.")
            .Argument<NonNullGraphType<RegimeGraphType>>("regime")
            .Argument<NonNullGraphType<StringGraphType>>("basis", "The decision or reason (required).")
            .AllowRoles(Role.DutyOfficer112)
            .ResolveAsync(DeclareRegimeAsync);
    }

    private async Task<object?> DeclareRegimeAsync(IResolveFieldContext ctx)
    {
        var kato = ctx.GetArgument<string>("territory");
        ctx.AuditTerritory(kato);
        ctx.Caller().RequireTerritory(kato, "territory");
        var basis = TextInput.Required(ctx.GetArgument<string>("basis"), "basis", MaxBasisLength, multiline: true);
        var regime = ctx.GetArgument<Regime>("regime");
        return await UnitOfWork.RunAsync(db, ctx.WriteOrigin(), w => RegimeDb.DeclareAsync(w, kato, regime, basis, ctx.CancellationToken), ctx.CancellationToken);
    }
}
