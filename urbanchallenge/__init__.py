"""UrbanChallenge: public bodies post challenges, start-ups propose, panels decide."""

__version__ = "0.1.0"
