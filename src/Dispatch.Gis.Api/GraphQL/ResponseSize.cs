using System.Buffers;
using GraphQL;
using GraphQL.Builders;
using GraphQL.DataLoader;
using GraphQL.Resolvers;
using GraphQL.Types;
using GraphQL.Utilities;

namespace Dispatch.Gis.GraphQL;

/// <summary>
/// The cap on one response (<see cref="GraphQLLimits.MaxResponseBytes"/>). The complexity price bounds what a query
/// asks for, but not what the data turns out to be (a district boundary can be 10 kB or 3 MB); this bounds what the
/// server holds and sends for one answer, so one caller cannot make the process buffer gigabytes: shapes are priced
/// from their stored vertex counts before they are read, other large values as they resolve
/// (<see cref="ResponseBudgetVisitor"/>), and the serialised answer is cut off at the cap (<see cref="BoundedBuffer"/>).
/// </summary>
internal static class ResponseSize
{
    /// <summary>GeoJSON text of a coordinate pair at 7 decimals ("[76.9312345,43.2512345],"), and a shape's framing.</summary>
    private const int BytesPerVertex = 24;

    private const int BytesPerShape = 64;

    public static long GeoJsonBytes(long vertices) => BytesPerShape + vertices * BytesPerVertex;

    public static string TooLargeMessage(bool mutation, int maxBytes) =>
        // A mutation has been committed by now: the caller must not retry it believing nothing happened.
        (mutation ? "the mutation was carried out, but its answer" : "the response")
        + $" would exceed {maxBytes} bytes (Dispatch:GraphQL:MaxResponseBytes); ask for fewer rows (first), a smaller area, or simplified geometry (simplifyMeters)";

    public static bool IsMutation(IResolveFieldContext ctx) => ctx.Operation.Operation == global::GraphQLParser.AST.OperationType.Mutation;

    public static ExecutionResult TooLarge(ExecutionResult result, int maxBytes) =>
        GraphQLRequestExecutor.RequestError(ErrorCodes.QueryTooComplex,
            TooLargeMessage(result.Operation?.Operation == global::GraphQLParser.AST.OperationType.Mutation, maxBytes));

    public static long VerticesIn(long bytes) => Math.Max(0, (bytes - BytesPerShape) / BytesPerVertex);
}

/// <summary>The request's answer-size budget as a loader's fetch sees it: a fetch has no resolver context of its own.</summary>
internal sealed record ResponseBudget(RequestLoaders Loaders, bool Mutation)
{
    public static ResponseBudget Of(IResolveFieldContext ctx) => new(RequestLoaders.Of(ctx), ResponseSize.IsMutation(ctx));

    public void Spend(long bytes) => Loaders.SpendResponseBytes(bytes, Mutation);

    /// <summary>The GeoJSON of a batch of shapes with this many vertices in all.</summary>
    public void SpendVertices(long vertices) => Spend(ResponseSize.GeoJsonBytes(vertices));

    /// <summary>How many more vertices of shapes the answer has room for: a batch past it is not even encoded.</summary>
    public long VertexAllowance => ResponseSize.VerticesIn(Loaders.RemainingResponseBytes);
}

/// <summary>
/// Counts every shape and JSON value into the request's answer-size budget as it resolves, so a query of many
/// moderately large values is refused while it runs. Fields whose loader reserved their shapes before reading them
/// say so with <see cref="SizedBeforeRead"/> and are not counted twice.
/// </summary>
internal sealed class ResponseBudgetVisitor : BaseSchemaNodeVisitor
{
    private const string SizedKey = "dispatch.sizedBeforeRead";

    public static FieldBuilder<TSource, TReturn> SizedBeforeRead<TSource, TReturn>(FieldBuilder<TSource, TReturn> field)
    {
        field.FieldType.Metadata[SizedKey] = true;
        return field;
    }

    public override void VisitObjectFieldDefinition(FieldType field, IObjectGraphType type, ISchema schema)
    {
        if (field.ResolvedType?.GetNamedType() is not (Geo.GeometryGraphType or JsonGraphType) || field.Metadata.ContainsKey(SizedKey))
        {
            return;
        }

        field.Resolver = new CountingResolver(field.Resolver ?? NameFieldResolver.Instance);
    }

    private sealed class CountingResolver(IFieldResolver inner) : IFieldResolver
    {
        public async ValueTask<object?> ResolveAsync(IResolveFieldContext context)
        {
            var value = await inner.ResolveAsync(context);
            var budget = ResponseBudget.Of(context);
            return value is IDataLoaderResult pending ? new Counted(pending, budget) : Count(value, budget);
        }

        private static object? Count(object? value, ResponseBudget budget)
        {
            budget.Spend(Bytes(value));
            return value;
        }

        private static long Bytes(object? value) => value switch
        {
            null => 0,
            NetTopologySuite.Geometries.Geometry geometry => ResponseSize.GeoJsonBytes(geometry.NumPoints),
            System.Text.Json.JsonElement element => element.ValueKind is System.Text.Json.JsonValueKind.Undefined
                ? 0
                : System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(element).Length,
            string text => text.Length,
            System.Collections.IEnumerable items => items.Cast<object?>().Sum(Bytes),
            _ => 0,
        };

        private sealed class Counted(IDataLoaderResult inner, ResponseBudget budget) : IDataLoaderResult
        {
            public async Task<object?> GetResultAsync(CancellationToken cancellationToken = default) =>
                Count(await inner.GetResultAsync(cancellationToken), budget);
        }
    }
}

/// <summary>
/// A write-only memory buffer that refuses to grow past its limit. Its memory is rented from the shared pool, not
/// allocated: a fresh MemoryStream per answer grew through 256 B … 64 KB for every 280-row list (and past 85 KB onto the
/// large-object heap, which only a gen2 collection frees).
/// </summary>
internal sealed class BoundedBuffer(int maxBytes) : Stream
{
    private const int FirstRent = 16 * 1024;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(Math.Min(FirstRent, Math.Max(1, maxBytes)));
    private int _length;

    public bool Overflowed { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _length;

    public override long Position { get => _length; set => throw new NotSupportedException(); }

    public void Clear() => _length = 0;

    public Task SendToAsync(Stream destination, CancellationToken ct) => destination.WriteAsync(_buffer.AsMemory(0, _length), ct).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if ((long)_length + buffer.Length > maxBytes)
        {
            Overflowed = true;
            throw new ResponseTooLargeException();
        }

        var needed = _length + buffer.Length;
        if (needed > _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(maxBytes, Math.Max(needed, 2L * _buffer.Length)));
            _buffer.AsSpan(0, _length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        buffer.CopyTo(_buffer.AsSpan(_length));
        _length = needed;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
            _length = 0;
        }

        base.Dispose(disposing);
    }
}

internal sealed class ResponseTooLargeException : IOException
{
    public ResponseTooLargeException() : base("the response exceeds its size limit")
    {
    }
}
