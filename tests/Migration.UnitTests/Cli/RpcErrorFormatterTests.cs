using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Migration.Cli.Errors;

namespace Migration.UnitTests.Cli;

public sealed class RpcErrorFormatterTests
{
    private static readonly Uri Server = new("http://127.0.0.1:5080");

    [Fact]
    public void Format_BadRequestDetails_ListsTheFieldViolationsOnOneLine()
    {
        var status = new Google.Rpc.Status
        {
            Code = (int)Code.InvalidArgument,
            Message = "the request is not valid",
            Details =
            {
                Any.Pack(new BadRequest
                {
                    FieldViolations =
                    {
                        new BadRequest.Types.FieldViolation { Field = "source.connection_string", Description = "Host is missing" },
                        new BadRequest.Types.FieldViolation { Field = "options.batch.max_batch_size", Description = "must be at least base_batch_size" },
                    },
                }),
            },
        };

        var line = RpcErrorFormatter.Format(status.ToRpcException(), Server);

        Assert.Equal(
            "InvalidArgument: the request is not valid (source.connection_string: Host is missing; " +
            "options.batch.max_batch_size: must be at least base_batch_size)",
            line);
        Assert.DoesNotContain('\n', line);
    }

    [Fact]
    public void Format_PlainStatus_IsStatusAndMessage() =>
        Assert.Equal("NotFound: no migration m9",
            RpcErrorFormatter.Format(new RpcException(new Grpc.Core.Status(StatusCode.NotFound, "no migration m9")), Server));

    [Fact]
    public void Format_Unavailable_SaysHowToStartTheServer()
    {
        var line = RpcErrorFormatter.Format(new RpcException(new Grpc.Core.Status(StatusCode.Unavailable, "boom",
            new HttpRequestException("x", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused)))), Server);

        Assert.Equal("cannot reach server at http://127.0.0.1:5080 (connection refused) — is it running? " +
                     "start it with: dotnet run --project src/Migration.Server", line);
    }
}
