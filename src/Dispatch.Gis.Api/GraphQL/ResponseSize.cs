namespace Dispatch.Gis.GraphQL;

/// <summary>
/// The cap on one response (<see cref="GraphQLLimits.MaxResponseBytes"/>). The complexity price bounds what a query
/// asks for, but not what the data turns out to be (a district boundary can be 10 kB or 3 MB); this bounds what the
/// server holds and sends for one answer, so one caller cannot make the process buffer gigabytes.
/// </summary>
internal static class ResponseSize
{
    public static global::GraphQL.ExecutionResult TooLarge(global::GraphQL.ExecutionResult result, int maxBytes) =>
        GraphQLRequestExecutor.RequestError(ErrorCodes.QueryTooComplex,
            // A mutation has been committed by now: the caller must not retry it believing nothing happened.
            (result.Operation?.Operation == global::GraphQLParser.AST.OperationType.Mutation ? "the mutation was carried out, but its answer" : "the response")
            + $" would exceed {maxBytes} bytes; ask for fewer rows (first), a smaller area, or simplified geometry (tolerance)");
}

/// <summary>A write-only memory buffer that refuses to grow past its limit.</summary>
internal sealed class BoundedBuffer(int maxBytes) : Stream
{
    private readonly MemoryStream _bytes = new();

    public bool Overflowed { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _bytes.Length;

    public override long Position { get => _bytes.Position; set => throw new NotSupportedException(); }

    public void Clear() => _bytes.SetLength(0);

    public Task SendToAsync(Stream destination, CancellationToken ct) =>
        destination.WriteAsync(_bytes.GetBuffer().AsMemory(0, (int)_bytes.Length), ct).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_bytes.Length + buffer.Length > maxBytes)
        {
            Overflowed = true;
            throw new ResponseTooLargeException();
        }

        _bytes.Write(buffer);
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
        if (disposing)
        {
            _bytes.Dispose();
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
