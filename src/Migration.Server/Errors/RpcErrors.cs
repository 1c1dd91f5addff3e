using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace Migration.Server.Errors;

/// <summary>Builds RpcExceptions with google.rpc details (BadRequest field violations) the clients can show.</summary>
public static class RpcErrors
{
    public static RpcException InvalidArgument(string message, params (string Field, string Description)[] violations) =>
        WithViolations(Code.InvalidArgument, message, violations);

    public static RpcException FailedPrecondition(string message, params (string Field, string Description)[] violations) =>
        violations.Length == 0
            ? Build(Code.FailedPrecondition, message)
            : WithViolations(Code.FailedPrecondition, message, violations);

    public static RpcException NotFound(string message) => Build(Code.NotFound, message);

    private static RpcException WithViolations(Code code, string message, (string Field, string Description)[] violations)
    {
        var badRequest = new BadRequest();
        badRequest.FieldViolations.AddRange(violations.Select(v => new BadRequest.Types.FieldViolation { Field = v.Field, Description = v.Description }));
        var status = new Google.Rpc.Status { Code = (int)code, Message = message };
        status.Details.Add(Any.Pack(badRequest));
        return status.ToRpcException();
    }

    private static RpcException Build(Code code, string message) =>
        new Google.Rpc.Status { Code = (int)code, Message = message }.ToRpcException();
}
