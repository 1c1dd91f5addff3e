using System.Buffers.Binary;

namespace Migration.Postgres.Execution;

/// <summary>
/// Counts the rows of a COPY data stream as it flows through, without copying or decoding it: in binary format by
/// walking tuple and field lengths (header, int16 field count, int32 length + bytes per field, int16 -1 trailer),
/// in text format by counting row terminators (newlines inside values are escaped as <c>\n</c>).
/// </summary>
internal sealed class CopyRowCounter
{
    private const int SignatureLength = 11;

    private readonly bool _binary;
    private readonly byte[] _pending = new byte[4];
    private State _state;
    private int _pendingCount;
    private long _skip;

    public CopyRowCounter(bool binary)
    {
        _binary = binary;
        _state = binary ? State.Signature : State.Text;
        _skip = SignatureLength + 4; // signature and flags, then the header extension length
    }

    private enum State
    {
        Signature,
        ExtensionLength,
        Extension,
        FieldCount,
        FieldLength,
        FieldData,
        Done,
        Text,
    }

    public long Rows { get; private set; }

    /// <summary>True once the binary trailer has been seen (always false in text format).</summary>
    public bool Completed => _state == State.Done;

    private int _fieldsLeft;

    public void Advance(ReadOnlySpan<byte> data)
    {
        if (!_binary)
        {
            Rows += data.Count((byte)'\n');
            return;
        }

        while (!data.IsEmpty)
        {
            switch (_state)
            {
                case State.Signature:
                case State.Extension:
                case State.FieldData:
                {
                    var take = (int)Math.Min(_skip, data.Length);
                    data = data[take..];
                    _skip -= take;
                    if (_skip == 0)
                    {
                        _state = _state switch
                        {
                            State.Signature => State.ExtensionLength,
                            State.FieldData => NextAfterField(),
                            _ => State.FieldCount,
                        };
                    }

                    break;
                }

                case State.ExtensionLength:
                    if (TryTake(ref data, 4, out var extension))
                    {
                        _skip = BinaryPrimitives.ReadInt32BigEndian(extension);
                        _state = _skip == 0 ? State.FieldCount : State.Extension;
                    }

                    break;

                case State.FieldCount:
                    if (TryTake(ref data, 2, out var count))
                    {
                        var fields = BinaryPrimitives.ReadInt16BigEndian(count);
                        if (fields < 0)
                        {
                            _state = State.Done;
                        }
                        else
                        {
                            Rows++;
                            _fieldsLeft = fields;
                            _state = fields == 0 ? State.FieldCount : State.FieldLength;
                        }
                    }

                    break;

                case State.FieldLength:
                    if (TryTake(ref data, 4, out var length))
                    {
                        var fieldLength = BinaryPrimitives.ReadInt32BigEndian(length);
                        if (fieldLength <= 0)
                        {
                            _state = NextAfterField();
                        }
                        else
                        {
                            _skip = fieldLength;
                            _state = State.FieldData;
                        }
                    }

                    break;

                case State.Done:
                    return;

                default:
                    throw new InvalidOperationException($"Unexpected state {_state}.");
            }
        }
    }

    private State NextAfterField()
    {
        _fieldsLeft--;
        return _fieldsLeft > 0 ? State.FieldLength : State.FieldCount;
    }

    // Takes `size` bytes, across calls when a value straddles two buffers.
    private bool TryTake(ref ReadOnlySpan<byte> data, int size, out ReadOnlySpan<byte> value)
    {
        if (_pendingCount == 0 && data.Length >= size)
        {
            value = data[..size];
            data = data[size..];
            return true;
        }

        var take = Math.Min(size - _pendingCount, data.Length);
        data[..take].CopyTo(_pending.AsSpan(_pendingCount));
        _pendingCount += take;
        data = data[take..];
        if (_pendingCount < size)
        {
            value = default;
            return false;
        }

        _pendingCount = 0;
        value = _pending.AsSpan(0, size);
        return true;
    }
}
