package io.redismigrate.connector;
