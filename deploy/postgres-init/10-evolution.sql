-- Runs once, on an empty data volume: the database Evolution API (profile "evolution") keeps its instances in.
CREATE DATABASE evolution OWNER whatpro;
