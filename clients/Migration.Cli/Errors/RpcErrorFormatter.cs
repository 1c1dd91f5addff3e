using System.Net.Sockets;
using Google.Rpc;
using Grpc.Core;

namespace Migration.Cli.Errors;

/// <summary>Turns a failed call into one clear line: status, message and the server's field violations.</summary>
internal static class RpcErrorFormatter
{
    /// <summary>"InvalidArgument: the request is not valid (options.batch.max_batch_size: must be at least ...)".</summary>
    public static string Format(RpcException exception, Uri server)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(server);
        if (exception.StatusCode == StatusCode.Unavailable)
        {
            return Unreachable(server, exception);
        }

        var message = string.IsNullOrWhiteSpace(exception.Status.Detail) ? "(no message)" : exception.Status.Detail;
        var details = new List<string>();
        var status = SafeStatus(exception);
        if (status?.GetDetail<BadRequest>() is { } badRequest)
        {
            details.AddRange(badRequest.FieldViolations.Select(v => string.IsNullOrEmpty(v.Field) ? v.Description : $"{v.Field}: {v.Description}"));
        }

        if (status?.GetDetail<PreconditionFailure>() is { } precondition)
        {
            details.AddRange(precondition.Violations.Select(v => string.IsNullOrEmpty(v.Subject) ? v.Description : $"{v.Subject}: {v.Description}"));
        }

        var line = $"{exception.StatusCode}: {message}";
        line = details.Count == 0 ? line : $"{line} ({string.Join("; ", details)})";
        return exception.StatusCode == StatusCode.Unauthenticated
            ? $"{line} — give --api-key (or ${ClientCredentials.ApiKeyVariable}) or --token (or ${ClientCredentials.TokenVariable})"
            : line;
    }

    /// <summary>True when the call failed in the TLS handshake (the server's certificate was not trusted).</summary>
    public static bool IsTlsFailure(RpcException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (var inner = exception.Status.DebugException; inner is not null; inner = inner.InnerException)
        {
            if (inner is System.Security.Authentication.AuthenticationException)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The message for a server that does not answer.</summary>
    public static string Unreachable(Uri server, Exception? cause = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        var why = Cause(cause);
        return $"cannot reach server at {server.GetLeftPart(UriPartial.Authority)}{(why is null ? string.Empty : $" ({why})")} " +
               "— is it running? start it with: dotnet run --project src/Migration.Server";
    }

    /// <summary>The socket or TLS error behind a failed call, in a few words; null when there is none.</summary>
    public static string? Cause(Exception? exception)
    {
        var inner = exception is RpcException rpc ? rpc.Status.DebugException : exception;
        while (inner is not null)
        {
            if (inner is SocketException socket)
            {
                return socket.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => "connection refused",
                    SocketError.HostNotFound or SocketError.NoData => "host not found",
                    SocketError.TimedOut => "timed out",
                    _ => socket.Message,
                };
            }

            if (inner is HttpIOException { HttpRequestError: HttpRequestError.ResponseEnded })
            {
                return "the server closed the connection";
            }

            if (inner is System.Security.Authentication.AuthenticationException tls)
            {
                return "TLS: " + tls.Message;
            }

            inner = inner.InnerException;
        }

        return null;
    }

    private static Google.Rpc.Status? SafeStatus(RpcException exception)
    {
        try
        {
            return exception.GetRpcStatus();
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            // A malformed details trailer: the status line alone still says what went wrong.
            return null;
        }
    }
}
