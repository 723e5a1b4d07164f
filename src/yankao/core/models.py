from django.db import models


class Sequence(models.Model):
    """A named counter for readable numbers (e.g. one per kind and year).
    Taken with a row lock, so concurrent intake never hands out a number twice."""

    key = models.CharField(max_length=60, unique=True)
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}={self.value}"
