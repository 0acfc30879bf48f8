using GraphQL;
using Dispatch.Gis.GraphQL;
using GraphQL.DataLoader;
using GraphQL.Resolvers;
using GraphQL.Types;
using GraphQL.Utilities;

namespace Dispatch.Gis.Auth;

/// <summary>
/// A row that belongs to a territory: whoever's token does not cover that territory must not see it, wherever in a
/// query it turns up. Lists in SQL are filtered by <see cref="Territories.TerritorySql.ScopeCondition"/>; a row reached
/// through a relation is filtered by <see cref="TerritorialScopeVisitor"/>, with the same rule
/// (<see cref="TerritoryScope.Covers"/>).
/// </summary>
internal interface ITerritorial
{
    string? TerritoryKato { get; }
}

/// <summary>
/// Puts the caller's territorial scope on every field that returns territorial rows (one row or a list), so scope is a
/// property of the data rather than of the root field: <c>incident { deployments { unit { service { units } } } }</c>
/// shows exactly what <c>units</c> would. Mutation results are left alone (the mutation authorised its own target);
/// what is nested below them is not. A single territorial field must be nullable — out of scope it is null — and the
/// schema refuses to build otherwise, so a new relation cannot forget it.
/// </summary>
internal sealed class TerritorialScopeVisitor : BaseSchemaNodeVisitor
{
    public override void VisitObjectFieldDefinition(FieldType field, IObjectGraphType type, ISchema schema)
    {
        if (type == schema.Mutation || type == schema.Subscription || field.ResolvedType is not { } resolved
            || resolved.GetNamedType() is not IObjectGraphType target || !IsTerritorial(target))
        {
            return;
        }

        var inner = field.Resolver ?? NameFieldResolver.Instance;
        if (IsPage(type))
        {
            // A page's rows, count and cursors come from one SQL query that applied the scope; dropping rows here would
            // make them disagree. A row out of scope on a page is a bug in that query, so it fails loudly instead.
            field.Resolver = new ScopedResolver(inner, failOnLeak: true);
            return;
        }

        if (resolved is NonNullGraphType { ResolvedType: not ListGraphType })
        {
            throw new InvalidOperationException(
                $"{type.Name}.{field.Name} returns territorial {target.Name} as non-null; it must be nullable, since it is null outside the caller's scope");
        }

        field.Resolver = new ScopedResolver(inner, failOnLeak: false);
    }

    private static bool IsPage(IObjectGraphType type) =>
        type.GetType() is { IsGenericType: true } t
        && (t.GetGenericTypeDefinition() == typeof(GraphQL.ConnectionGraphType<,>) || t.GetGenericTypeDefinition() == typeof(GraphQL.EdgeGraphType<,>));

    public static bool IsTerritorial(IGraphType graphType)
    {
        for (var t = graphType.GetType(); t is not null; t = t.BaseType)
        {
            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(ObjectGraphType<>))
            {
                return typeof(ITerritorial).IsAssignableFrom(t.GetGenericArguments()[0]);
            }
        }

        return false;
    }

    private sealed class ScopedResolver(IFieldResolver inner, bool failOnLeak) : IFieldResolver
    {
        public async ValueTask<object?> ResolveAsync(IResolveFieldContext context) =>
            Filter(await inner.ResolveAsync(context), context.Caller().Scope);

        private object? Filter(object? value, TerritoryScope scope) => value switch
        {
            null => null,
            _ when scope.IsAll => value,
            IDataLoaderResult pending => new ScopedLoaderResult(this, pending, scope),
            ITerritorial row => Covered(row, scope) ? row : null,
            System.Collections.IEnumerable rows => rows.Cast<object?>().Where(r => r is not ITerritorial t || Covered(t, scope)).ToList(),
            _ => value,
        };

        private bool Covered(ITerritorial row, TerritoryScope scope) =>
            scope.Covers(row.TerritoryKato)
            || (failOnLeak ? throw new InvalidOperationException($"a page holds a {row.GetType().Name} of {row.TerritoryKato ?? "no territory"}, outside the caller's scope") : false);

        private sealed class ScopedLoaderResult(ScopedResolver resolver, IDataLoaderResult inner, TerritoryScope scope) : IDataLoaderResult
        {
            public async Task<object?> GetResultAsync(CancellationToken cancellationToken = default) =>
                resolver.Filter(await inner.GetResultAsync(cancellationToken), scope);
        }
    }
}
