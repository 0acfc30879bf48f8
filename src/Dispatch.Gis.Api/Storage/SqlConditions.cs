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

    /// <summary>Adds a value and returns its placeholder ($n) for use outside WHERE (LIMIT, ORDER BY distance…).</summary>
    public string Parameter(object value)
    {
        _parameters.Add(new NpgsqlParameter { Value = value });
        return "$" + _parameters.Count;
    }

    public string Sql => _conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", _conditions);

    public NpgsqlParameter[] Parameters => [.. _parameters];
}
