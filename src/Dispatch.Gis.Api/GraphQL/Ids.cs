using GraphQL;

namespace Dispatch.Gis.GraphQL;

/// <summary>
/// Ids of rows are UUIDs behind the GraphQL ID type, which accepts any string or integer: every id a caller sends
/// is read here, so "123" is a BAD_USER_INPUT naming the argument, never a conversion failure deep in a resolver.
/// </summary>
internal static class Ids
{
    public static Guid Parse(object? value, string argument) =>
        TryParse(value) ?? throw new BadUserInputException($"{argument} must be an id this service issued (a UUID), not \"{Shorten(value)}\"", argument);

    public static Guid? ParseOptional(object? value, string argument) => value is null ? null : Parse(value, argument);

    public static Guid? TryParse(object? value) => value switch
    {
        Guid id => id,
        string text when Guid.TryParse(text, out var id) => id,
        _ => null,
    };

    /// <summary>A list of distinct ids, 1 to <paramref name="max"/> of them.</summary>
    public static List<Guid> ParseList(IEnumerable<object?>? values, string argument, int max)
    {
        var ids = (values ?? []).Select((v, i) => Parse(v, $"{argument}[{i}]")).ToList();
        if (ids.Count == 0 || ids.Count > max || ids.Distinct().Count() != ids.Count)
        {
            throw new BadUserInputException($"{argument} must name 1 to {max} different ids", argument);
        }

        return ids;
    }

    public static Guid GetId(this IResolveFieldContext context, string argument) => Parse(context.GetArgument<object?>(argument), argument);

    public static Guid? GetOptionalId(this IResolveFieldContext context, string argument) => ParseOptional(context.GetArgument<object?>(argument), argument);

    public static List<Guid> GetIds(this IResolveFieldContext context, string argument, int max) =>
        ParseList(context.GetArgument<List<object?>>(argument), argument, max);

    private static string Shorten(object? value)
    {
        var text = value?.ToString() ?? "null";
        return text.Length <= 40 ? text : text[..40] + "…";
    }
}
