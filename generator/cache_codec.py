"""How the content cache stores objects: JSON, read back only as the type it was asked for.

A cache entry may come from anywhere its folder does (a CI cache restored from another
branch, a runner shared with other jobs), so reading one must never run code, as unpickling
would. A ``Shape`` is a type hint (a dataclass, a tuple, a union ...) and the codec it stands
for: encoding writes the values of the hint's fields as plain JSON, with no type names;
decoding walks the same hint and builds only the types it names, checking every value on
the way. Anything else, a list one item short or a string where an int belongs, is
``Malformed``, which the cache takes for a miss.

The closed set of types: str, int, float, bool, None, enums (by value), tuple, list,
frozenset, dict, unions of those, and dataclasses whose fields are of those types.
A dataclass is a JSON list of its fields in order; a union of several container or
dataclass types is ``[member index, value]``; a union of scalars and None, whose JSON types
already differ, is the value itself.
"""

from __future__ import annotations

import dataclasses
import json
import operator
import types
import typing
from collections.abc import Callable
from enum import Enum
from functools import cache
from typing import Any, Generic, TypeVar

T = TypeVar("T")

_Encode = Callable[[Any], Any]
_Decode = Callable[[Any], Any]
_SCALARS: tuple[type, ...] = (str, int, float, bool, types.NoneType)


class Malformed(Exception):
    """A stored value that is not of the shape asked for."""


class Shape(Generic[T]):
    """A type hint as a codec: ``Shape[MapSpec | None](MapSpec | None)``.

    The annotation is the static type, the argument the runtime one; they must name the
    same type (mypy cannot check that an expression is a type hint, so this says it twice).
    """

    def __init__(self, hint: object) -> None:
        self.hint = hint
        self._encode, self._decode = _codec(hint)

    def encode(self, value: T) -> bytes:
        return json.dumps(self._encode(value), ensure_ascii=False, separators=(",", ":")).encode(
            "utf-8", "surrogatepass"
        )

    def decode(self, data: bytes) -> T:
        """The value ``data`` encodes; Malformed when it is not one of this shape."""
        try:
            decoded: T = self._decode(json.loads(data.decode("utf-8", "surrogatepass")))
        except (ValueError, TypeError, RecursionError) as problem:
            # Not JSON, not UTF-8, an enum value that no member has, nesting past the stack.
            raise Malformed(str(problem)) from problem
        return decoded


def paired(first: Shape[Any], second: object) -> object:
    """The hint ``tuple[first, second]``, for shapes built from others at run time."""
    return types.GenericAlias(tuple, (first.hint, second))


@cache
def _codec(hint: object) -> tuple[_Encode, _Decode]:
    origin, arguments = typing.get_origin(hint), typing.get_args(hint)
    if hint in _SCALARS:
        return _scalar(hint)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return _enum(hint)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _dataclass(hint)
    if origin in (types.UnionType, typing.Union):
        return _union(arguments)
    if origin is tuple and len(arguments) == 2 and arguments[1] is Ellipsis:
        return _sequence(arguments[0], tuple)
    if origin is tuple:
        return _fixed_tuple(arguments)
    if origin is list:
        return _sequence(arguments[0], list)
    if origin is frozenset:
        return _sequence(arguments[0], frozenset)
    if origin is dict:
        return _mapping(*arguments)
    raise TypeError(f"the cache cannot store values of type {hint!r}")


def _scalar(hint: object) -> tuple[_Encode, _Decode]:
    def decode(data: Any) -> Any:
        # bool is an int to isinstance, and an int is no float: compare types exactly.
        if type(data) is not hint:
            raise Malformed(f"{data!r} is not a {hint!r}")
        return data

    return _same, decode


def _same(value: Any) -> Any:
    return value


def _enum(hint: type[Enum]) -> tuple[_Encode, _Decode]:
    # By a dict, not hint(value): Enum's own lookup is several times slower.
    members: dict[object, Enum] = {(type(member.value), member.value): member for member in hint}

    def encode(value: Enum) -> Any:
        return value.value

    def decode(data: Any) -> Enum:
        member = members.get((type(data), data)) if type(data) in _SCALARS else None
        if member is None:
            raise Malformed(f"{data!r} is not a value of {hint.__name__}")
        return member

    return encode, decode


def _dataclass(hint: type[Any]) -> tuple[_Encode, _Decode]:
    fields = dataclasses.fields(hint)
    if not all(field.init and not field.kw_only for field in fields):
        # Decoding passes every field to __init__, in order.
        raise TypeError(f"the cache cannot store {hint.__name__}: a field is not positional")
    names = [field.name for field in fields]
    # Filled on first use: a field may name a type that names this one (a filter's operands).
    encoders: list[_Encode] = []
    decoders: list[_Decode] = []

    def build() -> None:
        hints = typing.get_type_hints(hint)
        for name in names:
            field_encode, field_decode = _codec(hints[name])
            encoders.append(field_encode)
            decoders.append(field_decode)

    def encode(value: Any) -> Any:
        if not encoders:
            build()
        return [
            field_encode(getattr(value, name))
            for field_encode, name in zip(encoders, names, strict=True)
        ]

    def decode(data: Any) -> Any:
        if not decoders:
            build()
        if type(data) is not list or len(data) != len(decoders):
            raise Malformed(f"not the {len(names)} fields of {hint.__name__}")
        return hint(*map(operator.call, decoders, data))

    return encode, decode


def _union(members: tuple[object, ...]) -> tuple[_Encode, _Decode]:
    if all(member in _SCALARS for member in members):
        return _same, _scalar_union(members)
    if len(members) == 2 and types.NoneType in members:
        # X | None, X not a scalar: null or X's own encoding, which is never null.
        (other,) = [member for member in members if member is not types.NoneType]
        other_encode, other_decode = _codec(other)

        def encode_optional(value: Any) -> Any:
            return None if value is None else other_encode(value)

        def decode_optional(data: Any) -> Any:
            return None if data is None else other_decode(data)

        return encode_optional, decode_optional
    codecs = [_codec(member) for member in members]
    classes = [_runtime_class(member) for member in members]
    if len(set(classes)) < len(classes):
        raise TypeError(f"the cache cannot tell the members of {members!r} apart")

    def encode(value: Any) -> Any:
        index = classes.index(type(value))
        return [index, codecs[index][0](value)]

    def decode(data: Any) -> Any:
        if type(data) is not list or len(data) != 2 or type(data[0]) is not int:
            raise Malformed("not a [member, value] pair")
        index, value = data
        if not 0 <= index < len(codecs):
            raise Malformed(f"no union member {index}")
        return codecs[index][1](value)

    return encode, decode


def _scalar_union(members: tuple[object, ...]) -> _Decode:
    def decode(data: Any) -> Any:
        if type(data) not in members:
            raise Malformed(f"{data!r} is none of {members!r}")
        return data

    return decode


def _runtime_class(member: object) -> type:
    """The class of a union member's values, which picks the member a value is encoded as."""
    runtime = typing.get_origin(member) or member
    if not isinstance(runtime, type):
        raise TypeError(f"the cache cannot store a union member {member!r}")
    return runtime


def _sequence(item: object, make: type[Any]) -> tuple[_Encode, _Decode]:
    item_encode, item_decode = _codec(item)

    def encode(value: Any) -> Any:
        return [item_encode(each) for each in value]

    def decode(data: Any) -> Any:
        if type(data) is not list:
            raise Malformed(f"not a list: {data!r}")
        return make(map(item_decode, data))

    return encode, decode


def _fixed_tuple(items: tuple[object, ...]) -> tuple[_Encode, _Decode]:
    codecs = [_codec(item) for item in items]
    decoders = [decode_item for _, decode_item in codecs]

    def encode(value: Any) -> Any:
        return [encode_item(each) for (encode_item, _), each in zip(codecs, value, strict=True)]

    def decode(data: Any) -> Any:
        if type(data) is not list or len(data) != len(decoders):
            raise Malformed(f"not a tuple of {len(decoders)}")
        return tuple(map(operator.call, decoders, data))

    return encode, decode


def _mapping(key: object, value: object) -> tuple[_Encode, _Decode]:
    """A dict with string keys is a JSON object; any other is a list of [key, value] pairs."""
    value_encode, value_decode = _codec(value)
    if key is str:

        def encode_object(mapping: Any) -> Any:
            return {name: value_encode(each) for name, each in mapping.items()}

        def decode_object(data: Any) -> Any:
            if type(data) is not dict:
                raise Malformed(f"not an object: {data!r}")
            return {name: value_decode(each) for name, each in data.items()}

        return encode_object, decode_object
    pairs_encode, pairs_decode = _sequence(types.GenericAlias(tuple, (key, value)), list)

    def decode_pairs(data: Any) -> Any:
        return dict(pairs_decode(data))

    return lambda mapping: pairs_encode(mapping.items()), decode_pairs
