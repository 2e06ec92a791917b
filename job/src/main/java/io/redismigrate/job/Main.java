package io.redismigrate.job; public class Main { public static void main(String[] a){} }
