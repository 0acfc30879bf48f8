using Npgsql;

namespace Dispatch.Gis.Storage;

/// <summary>
/// Collects WHERE conditions with positional parameters. Fragments are fixed text from the code;
/// only values travel as parameters, so nothing a client sends is ever spliced into SQL.
/// </summary>
internal sealed class SqlConditions
{
    private readonly List<string> _conditions = [];
    private readonly List<NpgsqlParameter> _parameters = [];

    /// <summary>Adds a condition whose {0}, {1}… placeholders become the next positional parameters.</summary>
    public void Add(string fragment, params object[] values)
    {
        var names = values.Select(v => (object)Parameter(v)).ToArray();
        _conditions.Add(string.Format(System.Globalization.CultureInfo.InvariantCulture, fragment, names));
    }

    /// <summary>
    /// Keeps rows whose territory column is one of the codes or lies in a region among them (a district's region is
    /// its first two KATO digits + seven zeros). Null codes: no restriction (a nationwide scope).
    /// </summary>
    public void AddScope(string column, IReadOnlyCollection<string>? codes)
    {
        if (codes is not null)
        {
            Add(Territories.TerritorySql.ScopeCondition(column), (object)codes.ToArray());
        }
    }

    /// <summary>column = the enum's stored text, when a value is given.</summary>
    public void AddEqual<T>(string column, T? value) where T : struct, Enum
    {
        if (value is { } v)
        {
            Add(column + " = {0}", DbEnum.Text(v));
        }
    }

    /// <summary>
    /// Keyset paging, the one way every list pages: rows after the cursor's key, in key order, and one row past the
    /// page so <see cref="GraphQL.Connection{T}.Page"/> knows whether a next page exists without a second query. Add
    /// every other condition first; the returned ORDER BY and LIMIT go after <see cref="Sql"/>.
    /// </summary>
    /// <param name="keys">Columns that together are unique, in order; several compare as a row, (a, b) &gt; (x, y).</param>
    /// <param name="after">The cursor's values for those columns, or null on the first page.</param>
    public string KeysetPage(IReadOnlyList<string> keys, IReadOnlyList<object>? after, int first, bool descending = false)
    {
        if (after is not null)
        {
            var placeholders = Enumerable.Range(0, keys.Count).Select(i => "{" + i + "}");
            var row = keys.Count == 1 ? (keys[0], placeholders.Single()) : ($"({string.Join(", ", keys)})", $"({string.Join(", ", placeholders)})");
            Add($"{row.Item1} {(descending ? "<" : ">")} {row.Item2}", [.. after]);
        }

        var limit = Parameter(first + 1);
        return $" ORDER BY {string.Join(", ", keys.Select(k => descending ? k + " DESC" : k))} LIMIT {limit}";
    }

    public string KeysetPage(string key, object? after, int first, bool descending = false) =>
        KeysetPage([key], after is null ? null : [after], first, descending);

    /// <summary>Adds a value and returns its placeholder ($n) for use outside WHERE (LIMIT, ORDER BY distance…).</summary>
    public string Parameter(object value)
    {
        _parameters.Add(new NpgsqlParameter { Value = value });
        return "$" + _parameters.Count;
    }

    public string Sql => _conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", _conditions);

    public NpgsqlParameter[] Parameters => [.. _parameters];
}
