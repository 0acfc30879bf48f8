using Dispatch.Gis.Auth;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Storage;
using GraphQL;
using GraphQL.Types;
using Npgsql;

namespace Dispatch.Gis.Regimes;

internal static class RegimeMutations
{
    public const int MaxBasisLength = 2000;

    public static void AddTo(ObjectGraphType root, NpgsqlDataSource db)
    {
        root.Field<NonNullGraphType<RegimeDeclarationGraphType>>("declareRegime")
            .Description("Declares the regime of a territory from now on; the previous declaration is closed and kept in the history.")
            .Argument<NonNullGraphType<StringGraphType>>("territory", "KATO code.")
            .Argument<NonNullGraphType<RegimeGraphType>>("regime")
            .Argument<NonNullGraphType<StringGraphType>>("basis", "The decision or reason (required).")
            .AllowRoles(Role.DutyOfficer112)
            .ResolveAsync(async ctx =>
            {
                var kato = ctx.GetArgument<string>("territory");
                ctx.AuditTerritory(kato);
                ctx.Caller().RequireTerritory(kato, "territory");
                var basis = ctx.GetArgument<string>("basis").Trim();
                if (basis.Length == 0 || basis.Length > MaxBasisLength)
                {
                    throw new BadUserInputException($"basis must be 1 to {MaxBasisLength} characters", "basis");
                }

                await using var tx = await WriteTransaction.BeginAsync(db, ctx, ctx.CancellationToken);
                var declaration = await RegimeDb.DeclareAsync(tx, kato, ctx.GetArgument<Regime>("regime"), basis, ctx.Caller().Name, ctx.CancellationToken);
                await tx.CommitAsync(ctx.CancellationToken);
                return declaration;
            });
    }
}
