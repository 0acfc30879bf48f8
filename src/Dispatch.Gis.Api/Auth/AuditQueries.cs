using System.Globalization;
using System.Text.Json;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Storage;
using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dispatch.Gis.Auth;

internal sealed record AuditRecord(long Id, DateTime At, string? Subject, string? ActorName, string? Role, string? ServiceId,
    string Operation, JsonElement Arguments, string Outcome, string? ErrorCode, string? TerritoryKato, string? ClientAddress, string? TraceId);

internal sealed record AuditFilter(string? Operation, string? Subject, AuditOutcome? Outcome, string? Territory, DateTime? From, DateTime? To);

internal static class AuditQueries
{
    private const string Columns = "id, at, subject, actor_name, role, service_id, operation, arguments, outcome, error_code, territory_kato, client_address, trace_id";

    public static void AddTo(ObjectGraphType root, NpgsqlDataSource db, IOptions<PagingOptions> paging)
    {
        root.Field<NonNullGraphType<AuditConnectionGraphType>>("auditLog")
            .Description("Mutation calls, newest first. Admins see all; 112 duty officers see calls on their territories and their own.")
            .Argument<AuditFilterInputGraphType>("filter")
            .Argument<IntGraphType>("first")
            .Argument<StringGraphType>("after")
            .AllowRoles(Role.DutyOfficer112, Role.Admin)
            .ResolveAsync(async ctx =>
            {
                var input = ctx.GetArgument<Dictionary<string, object?>?>("filter") ?? [];
                var filter = new AuditFilter(
                    input.GetValueOrDefault("operation") as string,
                    input.GetValueOrDefault("subject") as string,
                    input.GetValueOrDefault("outcome") as AuditOutcome?,
                    input.GetValueOrDefault("territory") as string,
                    input.GetValueOrDefault("from") as DateTime?,
                    input.GetValueOrDefault("to") as DateTime?);
                if (filter.From > filter.To)
                {
                    throw new BadUserInputException("filter.from must not be after filter.to", "filter");
                }

                var page = Paging.From(ctx.GetArgument<int?>("first"), ctx.GetArgument<string?>("after"), paging.Value);
                return await ListAsync(db, ctx.Caller(), filter, page, ctx.CancellationToken);
            });
    }

    private static async Task<Connection<AuditRecord>> ListAsync(NpgsqlDataSource db, Caller caller, AuditFilter filter, Paging page, CancellationToken ct)
    {
        var where = Conditions(caller, filter);
        var countSql = $"SELECT count(*) FROM audit_log{where.Sql}";
        var countParameters = where.Parameters;
        long? after = page.After is null ? null
            : long.TryParse(page.After, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id
            : throw new BadUserInputException("after is not a cursor this service issued", "after");
        var keyset = where.KeysetPage("id", after, page.First, descending: true);
        await using var cmd = db.CreateCommand($"SELECT {Columns} FROM audit_log{where.Sql}{keyset}");
        cmd.Parameters.AddRange(where.Parameters);
        var rows = new List<AuditRecord>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                rows.Add(new AuditRecord(reader.GetInt64(0), reader.GetDateTime(1), Db.TextOrNull(reader, 2), Db.TextOrNull(reader, 3), Db.TextOrNull(reader, 4), Db.TextOrNull(reader, 5),
                    reader.GetString(6), JsonDocument.Parse(reader.GetString(7)).RootElement, reader.GetString(8), Db.TextOrNull(reader, 9),
                    Db.TextOrNull(reader, 10), Db.TextOrNull(reader, 11), Db.TextOrNull(reader, 12)));
            }
        }

        return Connection<AuditRecord>.Page(rows, page, r => Paging.EncodeCursor(r.Id.ToString(CultureInfo.InvariantCulture)),
            token => Db.CountAsync(db, countSql, countParameters, token));
    }

    private static SqlConditions Conditions(Caller caller, AuditFilter filter)
    {
        var where = new SqlConditions();
        if (caller.Role != Role.Admin && caller.Scope.SqlCodes is { } scope)
        {
            where.Add("(" + Territories.TerritorySql.ScopeCondition("territory_kato") + " OR subject = {1})", (object)scope.ToArray(), caller.Subject ?? "");
        }

        if (filter.Operation is { } operation)
        {
            where.Add("operation = {0}", operation);
        }

        if (filter.Subject is { } subject)
        {
            where.Add("subject = {0}", subject);
        }

        where.AddEqual("outcome", filter.Outcome);

        if (filter.Territory is { } territory)
        {
            where.Add("territory_kato = {0}", territory);
        }

        if (filter.From is { } from)
        {
            where.Add("at >= {0}", from.ToUniversalTime());
        }

        if (filter.To is { } to)
        {
            where.Add("at <= {0}", to.ToUniversalTime());
        }

        return where;
    }

}

internal sealed class AuditOutcomeGraphType : EnumerationGraphType<AuditOutcome>
{
    public AuditOutcomeGraphType() => Name = "AuditOutcome";
}

internal sealed class AuditFilterInputGraphType : InputObjectGraphType
{
    public AuditFilterInputGraphType()
    {
        Name = "AuditFilter";
        Field<StringGraphType>("operation").Description("Mutation name, e.g. declareRegime.");
        Field<StringGraphType>("subject").Description("Token subject of the caller.");
        Field<AuditOutcomeGraphType>("outcome");
        Field<StringGraphType>("territory").Description("KATO code the call targeted.");
        Field<DateTimeGraphType>("from");
        Field<DateTimeGraphType>("to");
    }
}

internal sealed class AuditRecordGraphType : ObjectGraphType<AuditRecord>
{
    public AuditRecordGraphType()
    {
        Name = "AuditRecord";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field<NonNullGraphType<DateTimeGraphType>>("at").Resolve(ctx => ctx.Source.At);
        Field(x => x.Subject, nullable: true);
        Field(x => x.ActorName, nullable: true);
        Field(x => x.Role, nullable: true);
        Field(x => x.ServiceId, nullable: true);
        Field(x => x.Operation);
        Field<NonNullGraphType<JsonGraphType>>("arguments").Description("As sent, with secrets removed.").Resolve(ctx => ctx.Source.Arguments);
        Field<NonNullGraphType<AuditOutcomeGraphType>>("outcome").Resolve(ctx => DbEnum.Parse<AuditOutcome>(ctx.Source.Outcome));
        Field(x => x.ErrorCode, nullable: true);
        Field(x => x.TerritoryKato, nullable: true);
        Field(x => x.ClientAddress, nullable: true);
        Field(x => x.TraceId, nullable: true);
    }
}

internal sealed class AuditConnectionGraphType() : ConnectionGraphType<AuditRecord, AuditRecordGraphType>("AuditRecord");
