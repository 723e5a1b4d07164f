"""Yankao: the information platform of a city's Research, Development and Evaluation Commission."""
