#!/usr/bin/python3
"""Writes series.csv: the lecture's toy series f(t) = t*sin(t)/3 + 2*sin(5t), t = 0, 0.1, ..., 30.

Deterministic (no randomness); values rounded to 6 decimals. Run from the repository root:
    /usr/bin/python3 data/make_series.py
"""
import math
import os

STEP = 0.1
COUNT = 301  # t in [0, 30]


def f(t):
    return t * math.sin(t) / 3 + 2 * math.sin(5 * t)


def main():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "series.csv")
    with open(path, "w", newline="\n") as out:
        out.write("t,value\n")
        for i in range(COUNT):
            t = i * STEP
            out.write(f"{t:.1f},{f(t):.6f}\n")


if __name__ == "__main__":
    main()
