using System.Text;
using GraphQL.Types;

namespace Dispatch.Gis.GraphQL;

/// <summary>
/// One page of a keyset-paginated list. <see cref="CountAsync"/> runs only when a client asks for totalCount,
/// because counting a large filtered layer costs as much as reading it.
/// </summary>
internal sealed record Connection<T>(IReadOnlyList<T> Nodes, bool HasNextPage, Func<T, string> CursorOf, Func<CancellationToken, Task<long>> CountAsync)
{
    public string? EndCursor => Nodes.Count == 0 ? null : CursorOf(Nodes[^1]);

    /// <summary>A page from rows read with LIMIT first + 1: the extra row only says that a next page exists.</summary>
    public static Connection<T> Page(List<T> rows, Paging paging, Func<T, string> cursorOf, Func<CancellationToken, Task<long>> countAsync)
    {
        var hasNext = rows.Count > paging.First;
        if (hasNext)
        {
            rows.RemoveRange(paging.First, rows.Count - paging.First);
        }

        // A first page that holds everything is its own count: no second scan.
        var complete = paging.After is null && !hasNext;
        return new Connection<T>(rows, hasNext, cursorOf, complete ? _ => Task.FromResult((long)rows.Count) : countAsync);
    }
}

internal sealed record Edge<T>(string Cursor, T Node);

/// <summary>Page size limits and opaque cursors, shared by every list field.</summary>
internal sealed record Paging(int First, string? After)
{
    public static Paging From(int? first, string? after, PagingOptions options)
    {
        var size = first ?? options.DefaultPageSize;
        if (size < 0)
        {
            throw new BadUserInputException("first must not be negative", "first");
        }

        if (size > options.MaxPageSize)
        {
            throw new BadUserInputException($"first must be at most {options.MaxPageSize}", "first");
        }

        return new Paging(size, after is null ? null : DecodeCursor(after));
    }

    /// <summary>The cursor of a list keyed by uuid.</summary>
    public Guid? AfterGuid => After is null ? null
        : Guid.TryParse(After, out var id) ? id : throw new BadUserInputException("after is not a cursor this service issued", "after");

    public static string EncodeCursor(string key) => Convert.ToBase64String(Encoding.UTF8.GetBytes("k:" + key));

    private static string DecodeCursor(string cursor)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(cursor));
            if (text.StartsWith("k:", StringComparison.Ordinal))
            {
                return text[2..];
            }
        }
        catch (FormatException)
        {
        }

        throw new BadUserInputException("after is not a cursor this service issued", "after");
    }
}

internal sealed class PagingOptions
{
    public int DefaultPageSize { get; set; } = 100;
    public int MaxPageSize { get; set; } = 1000;
}

internal sealed class PageInfoGraphType : ObjectGraphType<(bool HasNextPage, string? EndCursor)>
{
    public PageInfoGraphType()
    {
        Name = "PageInfo";
        Field<NonNullGraphType<BooleanGraphType>>("hasNextPage").Resolve(ctx => ctx.Source.HasNextPage);
        Field<StringGraphType>("endCursor").Resolve(ctx => ctx.Source.EndCursor);
    }
}

/// <summary>The connection shape every list shares: totalCount, nodes, edges, pageInfo.</summary>
internal class ConnectionGraphType<TNode, TNodeGraphType> : ObjectGraphType<Connection<TNode>>
    where TNodeGraphType : IGraphType
{
    public ConnectionGraphType(string nodeName)
    {
        Name = nodeName + "Connection";
        Field<NonNullGraphType<LongGraphType>>("totalCount")
            .Description("Number of items that match the filter, across all pages.")
            .ResolveAsync(async ctx => await ctx.Source.CountAsync(ctx.CancellationToken));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<TNodeGraphType>>>>("nodes").Resolve(ctx => ctx.Source.Nodes);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<EdgeGraphType<TNode, TNodeGraphType>>>>>("edges")
            .Resolve(ctx => ctx.Source.Nodes.Select(n => new Edge<TNode>(ctx.Source.CursorOf(n), n)).ToList());
        Field<NonNullGraphType<PageInfoGraphType>>("pageInfo").Resolve(ctx => (ctx.Source.HasNextPage, ctx.Source.EndCursor));
    }
}

internal sealed class EdgeGraphType<TNode, TNodeGraphType> : ObjectGraphType<Edge<TNode>>
    where TNodeGraphType : IGraphType
{
    public EdgeGraphType()
    {
        Name = typeof(TNode).Name + "Edge";
        Field<NonNullGraphType<StringGraphType>>("cursor").Resolve(ctx => ctx.Source.Cursor);
        Field<NonNullGraphType<TNodeGraphType>>("node").Resolve(ctx => ctx.Source.Node);
    }
}
